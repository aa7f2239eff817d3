package io.pagehint.engine.transport;

import io.pagehint.engine.stream.Replies;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.transport.SilentConnections.Speaker;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The destination's side of connection setup: listens, accepts, and tells from a connection's
 * first byte what the source speaks: a TLS record starts with 0x16 (handshake), a plain stream
 * with the magic's {@code P}. A source that speaks the other one is refused with one line on each
 * side: a plain source gets a plain {@code REJECT} saying TLS is required; a TLS source against a
 * plain destination sees its handshake closed. With credentials the TLS handshake must finish
 * within the handshake timeout. Until a connection sends its first byte it is not a migration
 * (see {@link SilentConnections}).
 */
public final class Acceptor implements Closeable {

    private static final int TLS_HANDSHAKE_RECORD = 0x16;

    private final ServerSocketChannel server;
    private final TlsCredentials tls;
    private final InetSocketAddress address;
    private final SilentConnections silent;

    /**
     * @param tls     server credentials, or null for plain TCP
     * @param backlog connections that may wait to be accepted (the streams of one migration)
     */
    public Acceptor(InetSocketAddress listen, TlsCredentials tls, int backlog) throws IOException {
        this.tls = tls;
        if (tls != null) {
            tls.warmUp(); // before listening: a source that connects must not wait for a cold JVM's first handshake
        }
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen, backlog);
            this.address = (InetSocketAddress) server.getLocalAddress();
            this.silent = new SilentConnections(server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean secure() {
        return tls != null;
    }

    /**
     * Blocks until a connection sends its first byte (or {@link #close()}), then sets it up: the TLS
     * handshake, if any, must finish within {@code handshakeTimeout}.
     */
    public StreamChannel accept(Duration handshakeTimeout) throws IOException {
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, handshakeTimeout.toMillis()));
        Speaker speaker = silent.firstToSpeak(ms);
        SocketChannel c = speaker.channel();
        int first = speaker.firstByte();
        try {
            String peer = String.valueOf(c.getRemoteAddress());
            if (tls == null) {
                if (first == TLS_HANDSHAKE_RECORD) {
                    lingeringClose(c);
                    throw new IOException("the source at " + peer + " started TLS; this destination has no TLS"
                            + " credentials (start it with --tls-creds, or the source without)");
                }
                return new PlainChannel(c, first);
            }
            if (first == (StreamFormat.MAGIC[0] & 0xFF)) {
                String why = "this destination accepts only TLS; start the source with --tls-creds";
                refusePlain(c, why);
                throw new IOException("the source at " + peer + " connected without TLS; " + why);
            }
            c.socket().setSoTimeout(ms);
            InputStream consumed = new ByteArrayInputStream(new byte[] {(byte) first});
            SSLSocket s = tls.server(c.socket(), consumed);
            try {
                s.startHandshake();
                // TLS 1.3: the client's certificate is checked while the handshake finishes; a
                // session exists only if it passed
                String subject = s.getSession().getPeerPrincipal().getName();
                s.setSoTimeout(0);
                return new TlsChannel(c, s, peer + " " + subject, false);
            } catch (SocketTimeoutException e) {
                throw new IOException("the TLS handshake with the source at " + peer + " did not finish within "
                        + ms + " ms", e);
            } catch (SSLException e) {
                // the JDK has sent its alert; the source must be able to read it
                lingeringClose(c);
                throw TlsFailure.of(e, peer, false);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Answers a plain source in its own terms, then lets it read the answer before closing. */
    private static void refusePlain(SocketChannel c, String reason) {
        try {
            Replies.reject(c, reason);
        } catch (IOException e) {
            // the source has gone
        }
        lingeringClose(c);
    }

    /**
     * Ends what this end has to say (a REJECT, a TLS alert) with a FIN and reads what the source
     * still sends until it closes, for 2 s at most: closing with unread bytes would make the
     * kernel reset the connection, and a reset can destroy the answer before the source reads it.
     */
    static void lingeringClose(SocketChannel c) {
        try {
            c.socket().setSoTimeout(2000);
            c.shutdownOutput();
            InputStream in = c.socket().getInputStream();
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // the peer has gone: it reads a closed connection instead
        } finally {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing on the way out
            }
        }
    }

    @Override
    public void close() throws IOException {
        silent.close();
    }
}
