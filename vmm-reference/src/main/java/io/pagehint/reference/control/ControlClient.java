package io.pagehint.reference.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The host end of a guest's control socket: one request at a time, each answer awaited with a
 * timeout. Not thread-safe; callers serialise.
 */
public final class ControlClient implements AutoCloseable {

    private final SocketChannel ch;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(4096);

    private ControlClient(SocketChannel ch, Selector selector) {
        this.ch = ch;
        this.selector = selector;
        in.flip();
    }

    public static ControlClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new ControlClient(ch, sel);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sends {@code command} and returns what follows {@code OK } in the answer.
     *
     * @throws IOException for an {@code ERR} answer (its text is the message), a broken
     *                     connection, or no answer within {@code timeout}
     */
    public String call(String command, Duration timeout) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (out.hasRemaining()) {
                ch.write(out);
            }
        } catch (IOException e) {
            // the guest may have answered (ERR busy) and closed before we wrote: say what it said
            String said;
            try {
                said = readLine(deadline);
            } catch (IOException none) {
                throw e;
            }
            throw new IOException("guest refused " + command + ": " + said, e);
        }
        String line = readLine(deadline);
        if (line.startsWith("OK")) {
            return line.length() > 3 ? line.substring(3) : "";
        }
        throw new IOException("guest refused " + command + ": " + line);
    }

    public void pause(Duration timeout) throws IOException {
        call("PAUSE", timeout);
    }

    public void resume(Duration timeout) throws IOException {
        call("RESUME", timeout);
    }

    public void throttle(int percent, Duration timeout) throws IOException {
        call("THROTTLE " + percent, timeout);
    }

    public GuestStatus status(Duration timeout) throws IOException {
        return GuestStatus.fromWire(call("STATUS", timeout));
    }

    public void quit(Duration timeout) throws IOException {
        call("QUIT", timeout);
    }

    private String readLine(long deadline) throws IOException {
        while (true) {
            for (int i = in.position(); i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    byte[] line = new byte[i - in.position()];
                    in.get(line);
                    in.get();
                    return new String(line, StandardCharsets.US_ASCII);
                }
            }
            if (!in.hasRemaining() && in.limit() == in.capacity()) {
                throw new IOException("answer longer than " + in.capacity() + " bytes");
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new IOException("the guest did not answer in time");
            }
            selector.select(left);
            selector.selectedKeys().clear();
            in.compact();
            int n = ch.read(in);
            in.flip();
            if (n < 0) {
                throw new IOException("the guest closed its control socket");
            }
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        ch.close();
    }
}
