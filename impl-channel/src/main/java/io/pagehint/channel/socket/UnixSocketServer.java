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
 * connection that arrives while one is served is handed to {@link Handler#reject} and closed.
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
    private final Thread acceptor;
    private SocketChannel current;
    private Thread session;
    private boolean closed;

    private UnixSocketServer(PrivateSocketFile socket, Handler handler, String name) {
        this.socket = socket;
        this.handler = handler;
        this.name = name;
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        this.acceptor.setDaemon(true);
    }

    /** Binds {@code path} (mode 0600) and starts accepting. */
    public static UnixSocketServer start(Path path, String name, Handler handler) throws IOException {
        UnixSocketServer s = new UnixSocketServer(PrivateSocketFile.bind(path), handler, name);
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
            }
        }
    }

    /** Stops listening, closes the connection being served, waits for the threads, removes the socket file. */
    @Override
    public void close() {
        Thread s;
        synchronized (this) {
            closed = true;
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
