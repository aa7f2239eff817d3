package io.pagehint.guest.driver;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest driver that keeps one connection to its host end: it serves a connection on its own
 * thread until the connection ends, then connects again with a back-off (50 ms, doubling up to
 * 2 s), as a guest port or device reappears after the host end restarts. A host end that is not
 * there yet when the driver starts is waited for the same way (a guest may boot before the host
 * that hints it). {@link #close()} disconnects and waits for the thread.
 */
public abstract class ReconnectingDriver implements GuestDriver {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingDriver.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(50);
    private static final Duration LAST_RETRY = Duration.ofSeconds(2);

    private final Path endpoint;
    private final String name;
    private Thread thread;
    private SocketChannel connection;
    private boolean closed;

    protected ReconnectingDriver(Path endpoint, String name) {
        this.endpoint = endpoint;
        this.name = name;
    }

    /** Connects to {@code endpoint} once. */
    protected static SocketChannel connect(Path endpoint) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(endpoint));
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** Starts serving: connects now if the host end is there, otherwise as soon as it appears. */
    protected final void start() {
        SocketChannel first;
        try {
            first = connect(endpoint);
        } catch (IOException e) {
            LOG.info("{}: no host end at {} yet ({}); waiting for it", name, endpoint, e.getMessage());
            first = null;
        }
        SocketChannel initial = first;
        synchronized (this) {
            connection = initial;
        }
        thread = new Thread(() -> run(initial != null ? initial : reconnect()), name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Serves one connection until it ends. */
    protected abstract void serve(SocketChannel connection) throws IOException;

    /** Called on the driver thread after each connection ended (give back what the host held). */
    protected void disconnected() {
    }

    private void run(SocketChannel first) {
        SocketChannel c = first;
        while (c != null) {
            try {
                serve(c);
            } catch (IOException e) {
                LOG.debug("{}: connection ended: {}", name, e.toString());
            } catch (RuntimeException e) {
                LOG.error("{}: driver failed on a connection", name, e);
            } finally {
                closeQuietly(c);
                disconnected();
            }
            c = reconnect();
        }
    }

    private SocketChannel reconnect() {
        Duration wait = FIRST_RETRY;
        while (true) {
            synchronized (this) {
                connection = null;
                if (closed) {
                    return null;
                }
                try {
                    wait(wait.toMillis());
                } catch (InterruptedException e) {
                    return null;
                }
                if (closed) {
                    return null;
                }
            }
            try {
                SocketChannel c = connect(endpoint);
                synchronized (this) {
                    if (closed) {
                        closeQuietly(c);
                        return null;
                    }
                    connection = c;
                }
                LOG.info("{}: reconnected to {}", name, endpoint);
                return c;
            } catch (IOException e) {
                wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
            }
        }
    }

    /** Whether {@link #close()} was called. */
    protected final synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (connection != null) {
                closeQuietly(connection);
            }
            notifyAll();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
