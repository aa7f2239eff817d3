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
import java.util.concurrent.atomic.AtomicBoolean;

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
    /** Per connection, in the order they arrive; the last applies to any later one. */
    private final long[] sourceBytes;
    private final long replyBytes;
    private final boolean holdDestinationOpen;
    private final List<Socket> sockets = new ArrayList<>();

    /**
     * @param sourceBytes         bytes of the source's stream carried before the link stalls (Long.MAX_VALUE: all)
     * @param replyBytes          bytes of the destination's replies carried; later ones are swallowed
     * @param holdDestinationOpen keep the destination's connection open after the source closes its own
     */
    public FaultyRelay(InetSocketAddress target, long sourceBytes, long replyBytes, boolean holdDestinationOpen)
            throws IOException {
        this(target, new long[] {sourceBytes}, replyBytes, holdDestinationOpen);
    }

    /**
     * A relay for each connection the source opens (a migration with several streams), each with
     * its own faults: {@code sourceBytes[i]} for the i-th connection, the last for any after it.
     */
    public FaultyRelay(InetSocketAddress target, long[] sourceBytes, long replyBytes, boolean holdDestinationOpen)
            throws IOException {
        this.target = target;
        this.sourceBytes = sourceBytes;
        this.replyBytes = replyBytes;
        this.holdDestinationOpen = holdDestinationOpen;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        start(this::relay);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private void relay() {
        try {
            for (int i = 0; ; i++) {
                Socket source = server.accept();
                Socket destination = new Socket(target.getAddress(), target.getPort());
                synchronized (sockets) {
                    sockets.add(source);
                    sockets.add(destination);
                }
                long limit = sourceBytes[Math.min(i, sourceBytes.length - 1)];
                // set once the source's bytes stop being carried: from then on this link carries nothing, not even a close
                AtomicBoolean stalled = new AtomicBoolean();
                start(() -> pump(destination, source, replyBytes, false, stalled));
                start(() -> pump(source, destination, limit, true, stalled));
            }
        } catch (IOException ignored) {
            // closed by the test
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "faulty-relay");
        t.setDaemon(true);
        t.start();
    }

    /** Copies {@code from} to {@code to} up to {@code limit} bytes; then stalls (source) or swallows (replies). */
    private void pump(Socket from, Socket to, long limit, boolean fromSource, AtomicBoolean stalled) {
        byte[] buf = new byte[65536];
        long carried = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                if (fromSource && carried >= limit) {
                    stalled.set(true);
                    return; // a stalled link: nothing more is read, the source's writes fill up and block
                }
                int n = in.read(buf, 0, fromSource ? (int) Math.min(buf.length, limit - carried) : buf.length);
                if (n < 0) {
                    break;
                }
                int pass = stalled.get() ? 0 : (int) Math.max(0, Math.min(n, limit - carried));
                if (pass > 0) {
                    out.write(buf, 0, pass);
                }
                carried += n;
            }
            // a broken direction carries no close either: the far end learns only from its own deadline
            boolean broken = stalled.get() || (!fromSource && carried > limit);
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
