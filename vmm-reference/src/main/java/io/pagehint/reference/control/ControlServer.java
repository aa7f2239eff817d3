package io.pagehint.reference.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest's control socket: a UNIX stream socket, mode 0600, speaking the line protocol of
 * docs/GUEST.md ({@code PAUSE}, {@code RESUME}, {@code THROTTLE n}, {@code STATUS}, {@code QUIT};
 * each answered by one line, {@code OK ...} or {@code ERR ...}).
 *
 * <p>The socket never exists with a wider mode, even for an instant: it is bound inside a fresh
 * directory of mode 0700 next to the requested path, set to 0600, and then renamed into place.
 * At most {@link #MAX_CLIENTS} connections are served at once; a request line longer than
 * {@link #MAX_LINE} bytes ends its connection.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    public static final int MAX_LINE = 256;
    public static final int MAX_CLIENTS = 8;

    private final Path path;
    private final ServerSocketChannel server;
    private final ControlHandler handler;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel server, ControlHandler handler) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "guest-control");
        this.acceptor.setDaemon(true);
    }

    /** Creates the socket at {@code path} (which must not exist) and starts serving. */
    public static ControlServer start(Path path, ControlHandler handler) throws IOException {
        Path target = path.toAbsolutePath();
        if (Files.exists(target)) {
            throw new IOException(target + " exists already");
        }
        Path dir = Files.createTempDirectory(target.getParent(), ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path inside = dir.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(inside));
            Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-------"));
            Files.move(inside, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ch.close();
            throw e;
        } finally {
            Files.deleteIfExists(inside);
            Files.deleteIfExists(dir);
        }
        ControlServer s = new ControlServer(target, ch, handler);
        s.acceptor.start();
        return s;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                if (!clients.tryAcquire()) {
                    reply(c, "ERR busy: " + MAX_CLIENTS + " clients already");
                    c.shutdownOutput(); // the client reads the answer, then the end of the stream
                    closeQuietly(c);
                    continue;
                }
                Thread t = new Thread(() -> serve(c), "guest-control-client");
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket accept failed", e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        // not try-with-resources: that would close the channel before the catch could answer
        try {
            LineReader in = new LineReader(c, MAX_LINE);
            String line;
            while ((line = in.readLine()) != null) {
                String answer = answer(line.trim());
                reply(c, answer);
                if (answer.equals("OK bye")) {
                    handler.quit();
                    return;
                }
            }
        } catch (LineReader.LineTooLongException e) {
            try {
                reply(c, "ERR line longer than " + MAX_LINE + " bytes");
                discardPending(c);
            } catch (IOException ignored) {
                // the client is gone; nothing to tell it
            }
        } catch (IOException e) {
            LOG.debug("control client went away: {}", e.getMessage());
        } finally {
            clients.release();
            closeQuietly(c);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a socket we are done with
        }
    }

    /** One request, one answer. */
    String answer(String line) {
        String[] words = line.split("\\s+");
        String verb = words[0].toUpperCase(Locale.ROOT);
        try {
            switch (verb) {
                case "PAUSE" -> {
                    handler.pause();
                    return "OK paused";
                }
                case "RESUME" -> {
                    handler.resume();
                    return "OK running";
                }
                case "THROTTLE" -> {
                    if (words.length != 2) {
                        return "ERR usage: THROTTLE <0..99>";
                    }
                    int p = Integer.parseInt(words[1]);
                    handler.throttle(p);
                    return "OK throttle=" + p;
                }
                case "STATUS" -> {
                    return "OK " + handler.status().toWire();
                }
                case "QUIT" -> {
                    return "OK bye";
                }
                default -> {
                    return "ERR unknown command " + (verb.isEmpty() ? "(empty line)" : verb);
                }
            }
        } catch (NumberFormatException e) {
            return "ERR not a number: " + words[1];
        } catch (IllegalArgumentException e) {
            return "ERR " + e.getMessage();
        } catch (TimeoutException e) {
            return "ERR pause timed out: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }

    /**
     * Reads away what the client sent beyond the line we refused, so that closing does not reset
     * the connection (and lose our answer) for unread input.
     */
    private static void discardPending(SocketChannel c) throws IOException {
        c.shutdownOutput();
        c.configureBlocking(false);
        ByteBuffer sink = ByteBuffer.allocate(4096);
        for (int total = 0; total < 64 * 1024; ) {
            sink.clear();
            int n = c.read(sink);
            if (n <= 0) {
                return;
            }
            total += n;
        }
    }

    private static void reply(SocketChannel c, String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("could not remove control socket {}", path, e);
        }
    }
}
