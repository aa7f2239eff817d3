package io.pagehint.channel.socket;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on a private UNIX socket and serves one connection at a time on its own thread; a
 * connection that arrives while one is served is handed to {@link Handler#reject} and closed. With
 * a handover time, such a connection first waits that long for the served one to end: a peer that
 * closed its connection and connects again at once is served, not turned away because the old
 * session had not finished cleaning up.
 * {@link #close()} stops listening, closes the connection being served and waits for both threads.
 */
public final class UnixSocketServer implements AutoCloseable {

    /** What the server does with its connections. */
    public interface Handler {
        /** Serves {@code connection} until it ends; the server closes it afterwards. */
        void serve(SocketChannel connection) throws IOException;

        /** Tells a connection that arrived while another is served that it is not wanted (best effort). */
        void reject(SocketChannel connection);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final PrivateSocketFile socket;
    private final Handler handler;
    private final String name;
    private final Duration handover;
    private final Thread acceptor;
    private SocketChannel current;
    private Thread session;
    private boolean closed;

    private UnixSocketServer(PrivateSocketFile socket, Handler handler, String name, Duration handover) {
        this.socket = socket;
        this.handler = handler;
        this.name = name;
        this.handover = handover;
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        this.acceptor.setDaemon(true);
    }

    /** Binds {@code path} (mode 0600) and starts accepting; a second connection is rejected at once. */
    public static UnixSocketServer start(Path path, String name, Handler handler) throws IOException {
        return start(path, name, Duration.ZERO, handler);
    }

    /**
     * Binds {@code path} (mode 0600) and starts accepting; a connection that arrives while another
     * is served waits up to {@code handover} for it to end before it is rejected.
     */
    public static UnixSocketServer start(Path path, String name, Duration handover, Handler handler) throws IOException {
        UnixSocketServer s = new UnixSocketServer(PrivateSocketFile.bind(path), handler, name, handover);
        s.acceptor.start();
        return s;
    }

    public Path path() {
        return socket.path();
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel c;
            try {
                c = socket.server().accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("{}: accept failed; no longer listening", name, e);
                return;
            }
            synchronized (this) {
                if (closed) {
                    closeQuietly(c);
                    return;
                }
                awaitHandover();
                if (closed) {
                    closeQuietly(c);
                    return;
                }
                if (current != null) {
                    handler.reject(c);
                    closeQuietly(c);
                    continue;
                }
                current = c;
                session = new Thread(() -> serve(c), name + "-session");
                session.setDaemon(true);
                session.start();
            }
        }
    }

    /** Waits, holding this lock between waits, until no connection is served, the server closes or the handover time passes. */
    private void awaitHandover() {
        long deadline = System.nanoTime() + handover.toNanos();
        while (current != null && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try {
            handler.serve(c);
        } catch (IOException e) {
            LOG.debug("{}: connection ended: {}", name, e.toString());
        } catch (RuntimeException e) {
            LOG.error("{}: session failed", name, e);
        } finally {
            closeQuietly(c);
            synchronized (this) {
                current = null;
                session = null;
                notifyAll();
            }
        }
    }

    /** Stops listening, closes the connection being served, waits for the threads, removes the socket file. */
    @Override
    public void close() {
        Thread s;
        synchronized (this) {
            closed = true;
            notifyAll();
            s = session;
            if (current != null) {
                closeQuietly(current);
            }
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("{}: closing {} failed", name, socket.path(), e);
        }
        join(acceptor);
        if (s != null) {
            join(s);
        }
    }

    private void join(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(JOIN_TIMEOUT.toMillis());
            if (t.isAlive()) {
                LOG.warn("{}: thread {} did not end within {}", name, t.getName(), JOIN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing a connection failed", e);
        }
    }
}
