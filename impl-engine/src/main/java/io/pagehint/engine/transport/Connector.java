package io.pagehint.engine.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/** The source's side of connection setup: TCP, then the TLS handshake when there are credentials. */
public final class Connector {

    private final InetSocketAddress destination;
    private final TlsCredentials tls;
    private final Duration timeout;

    /**
     * @param tls     client credentials, or null for plain TCP
     * @param timeout for the TCP connect and again for the TLS handshake: a destination that
     *                accepts and then says nothing fails the migration after it
     */
    public Connector(InetSocketAddress destination, TlsCredentials tls, Duration timeout) {
        this.destination = destination;
        this.tls = tls;
        this.timeout = timeout;
    }

    /** Opens one connection. {@code opened} receives the TCP channel first, so a cancel can close it while it connects. */
    public StreamChannel connect(java.util.function.Consumer<java.io.Closeable> opened) throws IOException {
        SocketChannel c = SocketChannel.open();
        opened.accept(c);
        try {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            c.socket().connect(destination, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new IOException("cannot reach the destination at " + destination + ": " + describe(e), e);
        }
        if (tls == null) {
            return new PlainChannel(c, -1);
        }
        try {
            SSLSocket s = tls.client(c.socket(), destination);
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            s.startHandshake();
            s.setSoTimeout(0);
            return new TlsChannel(c, s, destination + " " + s.getSession().getPeerPrincipal().getName(), true);
        } catch (SocketTimeoutException e) {
            c.close();
            throw new IOException("the TLS handshake with the destination at " + destination + " did not finish within "
                    + timeout.toMillis() + " ms", e);
        } catch (SSLException e) {
            // the JDK has sent its alert; let the destination read it (see Acceptor)
            Acceptor.lingeringClose(c);
            throw TlsFailure.of(e, String.valueOf(destination), true);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new IOException(TlsFailure.describe(e, String.valueOf(destination), true), e);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
