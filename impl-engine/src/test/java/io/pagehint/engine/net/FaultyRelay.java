package io.pagehint.engine.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A relay between a source and a destination for one connection, with the faults of a real
 * network: it can stop carrying the source's bytes after some (a stalled link: it reads no more,
 * so the source's writes block), swallow the destination's replies after some (a lost RESULT),
 * and keep the destination's side open when the source hangs up (a connection that breaks only on
 * one side).
 */
public final class FaultyRelay implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long sourceBytes;
    private final long replyBytes;
    private final boolean holdDestinationOpen;
    private final List<Socket> sockets = new ArrayList<>();
    /** Set once the source's bytes stop being carried: from then on the link carries nothing, not even a close. */
    private volatile boolean stalled;

    /**
     * @param sourceBytes         bytes of the source's stream carried before the link stalls (Long.MAX_VALUE: all)
     * @param replyBytes          bytes of the destination's replies carried; later ones are swallowed
     * @param holdDestinationOpen keep the destination's connection open after the source closes its own
     */
    public FaultyRelay(InetSocketAddress target, long sourceBytes, long replyBytes, boolean holdDestinationOpen)
            throws IOException {
        this.target = target;
        this.sourceBytes = sourceBytes;
        this.replyBytes = replyBytes;
        this.holdDestinationOpen = holdDestinationOpen;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(this::relay);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private void relay() {
        try {
            Socket source = server.accept();
            Socket destination = new Socket(target.getAddress(), target.getPort());
            synchronized (sockets) {
                sockets.add(source);
                sockets.add(destination);
            }
            CompletableFuture.runAsync(() -> pump(destination, source, replyBytes, false));
            pump(source, destination, sourceBytes, true);
        } catch (IOException ignored) {
            // closed by the test
        }
    }

    /** Copies {@code from} to {@code to} up to {@code limit} bytes; then stalls (source) or swallows (replies). */
    private void pump(Socket from, Socket to, long limit, boolean fromSource) {
        byte[] buf = new byte[65536];
        long carried = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                if (fromSource && carried >= limit) {
                    stalled = true;
                    return; // a stalled link: nothing more is read, the source's writes fill up and block
                }
                int n = in.read(buf, 0, fromSource ? (int) Math.min(buf.length, limit - carried) : buf.length);
                if (n < 0) {
                    break;
                }
                int pass = stalled ? 0 : (int) Math.max(0, Math.min(n, limit - carried));
                if (pass > 0) {
                    out.write(buf, 0, pass);
                }
                carried += n;
            }
            // a broken direction carries no close either: the far end learns only from its own deadline
            boolean broken = stalled || (!fromSource && carried > limit);
            if (!(fromSource && holdDestinationOpen) && !broken) {
                to.close();
            }
        } catch (IOException ignored) {
            // one side went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
