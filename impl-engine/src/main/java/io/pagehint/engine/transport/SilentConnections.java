package io.pagehint.engine.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a destination has accepted that have not said anything yet. A source sends its
 * first byte (the magic, or a TLS ClientHello) as soon as it has connected, so a connection that
 * stays silent is not a migration yet: a port probe, a load balancer's health check, a scanner. It
 * must not hold the port: while it is silent the destination goes on accepting, and the first
 * connection to send a byte is the one it serves. A silent connection is closed, with one log line
 * and no effect on the migration, when its own deadline passes or when it closes without a byte;
 * at most {@link #MAX_SILENT} are kept (the oldest goes first), so a flood of them costs bounded
 * memory and descriptors.
 *
 * <p>One thread waits ({@link #firstToSpeak}); {@link #close()} may come from any other.
 */
final class SilentConnections implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SilentConnections.class);

    /** Silent connections kept at once: the streams of one migration (16) several times over. */
    static final int MAX_SILENT = 64;

    /** A connection that has sent its first byte, in blocking mode again, and that byte. */
    record Speaker(SocketChannel channel, int firstByte) {
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    /**
     * Each silent connection and the {@code System.nanoTime()} by which it must speak, oldest first;
     * guarded by itself (the waiting thread changes it, {@link #close()} empties it).
     */
    private final Map<SocketChannel, Long> waiting = new LinkedHashMap<>();

    SilentConnections(ServerSocketChannel server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /**
     * Accepts and waits until a connection sends a byte; returns it. Connections still silent stay
     * for the next call (the next stream of a migration may be among them).
     *
     * @param speakWithinMs how long each connection has, from its accept, to send its first byte
     * @throws AsynchronousCloseException when {@link #close()} ends the wait
     */
    Speaker firstToSpeak(int speakWithinMs) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            if (!server.isOpen() || !selector.isOpen()) {
                throw new AsynchronousCloseException();
            }
            long waitMs = dropExpired(System.nanoTime());
            try {
                selector.select(waitMs);
            } catch (java.nio.channels.ClosedSelectorException e) {
                throw new AsynchronousCloseException();
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isAcceptable()) {
                    acceptAll(speakWithinMs);
                } else if (key.isReadable()) {
                    SocketChannel c = (SocketChannel) key.channel();
                    one.clear();
                    int n;
                    try {
                        n = c.read(one);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n == 0) {
                        continue;
                    }
                    key.cancel();
                    synchronized (waiting) {
                        waiting.remove(c);
                    }
                    if (n < 0) {
                        LOG.info("a connection from {} closed without sending anything; still listening", peer(c));
                        closeQuietly(c);
                        continue;
                    }
                    try {
                        selector.selectNow(); // deregisters c, so it can block again
                        c.configureBlocking(true);
                    } catch (java.nio.channels.ClosedSelectorException | IOException e) {
                        closeQuietly(c); // closed meanwhile: stop listening, as close() asked
                        throw new AsynchronousCloseException();
                    }
                    return new Speaker(c, one.get(0) & 0xFF);
                }
            }
        }
    }

    private void acceptAll(int speakWithinMs) throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            synchronized (waiting) {
                if (waiting.size() >= MAX_SILENT) {
                    SocketChannel oldest = waiting.keySet().iterator().next();
                    waiting.remove(oldest);
                    LOG.info("{} connections are silent; closed the oldest, from {}", MAX_SILENT, peer(oldest));
                    closeQuietly(oldest);
                }
                try {
                    c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                    c.configureBlocking(false);
                    c.register(selector, SelectionKey.OP_READ);
                    waiting.put(c, System.nanoTime() + speakWithinMs * 1_000_000L);
                } catch (IOException | RuntimeException e) {
                    closeQuietly(c);
                }
            }
        }
    }

    /** Closes the silent connections whose time is up; returns how long select may wait (0: for ever). */
    private long dropExpired(long now) {
        long nearest = Long.MAX_VALUE;
        synchronized (waiting) {
            for (Iterator<Map.Entry<SocketChannel, Long>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<SocketChannel, Long> e = it.next();
                long left = e.getValue() - now;
                if (left <= 0) {
                    it.remove();
                    LOG.info("a connection from {} sent nothing in time; closed it (not a migration), still listening",
                            peer(e.getKey()));
                    closeQuietly(e.getKey());
                } else {
                    nearest = Math.min(nearest, left);
                }
            }
        }
        return nearest == Long.MAX_VALUE ? 0 : Math.max(1, (nearest + 999_999) / 1_000_000);
    }

    /** Stops listening: a thread in {@link #firstToSpeak} throws; every silent connection closes. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            synchronized (waiting) {
                waiting.keySet().forEach(SilentConnections::closeQuietly);
                waiting.clear();
            }
            selector.close(); // wakes a thread in select
        }
    }

    private static String peer(SocketChannel c) {
        try {
            return String.valueOf(c.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            return "an unknown address";
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // dropping it is the point
        }
    }
}
