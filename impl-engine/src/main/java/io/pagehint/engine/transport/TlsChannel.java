package io.pagehint.engine.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * A TLS connection (the JDK's {@link SSLSocket} layered over the TCP socket) as a channel. Writes
 * copy the caller's buffers, views of guest RAM, into one 64 KiB array at a time: the JDK's TLS
 * encrypts from arrays, and the copy is in cache. A TLS failure comes out as one line (see
 * {@link TlsFailure}).
 */
final class TlsChannel implements StreamChannel {

    private static final int CHUNK = 64 * 1024;

    private final SocketChannel raw;
    private final SSLSocket ssl;
    private final InputStream in;
    private final OutputStream out;
    private final String peer;
    private final boolean client;
    private final byte[] writeChunk = new byte[CHUNK];
    private final byte[] readChunk = new byte[CHUNK];
    /** Threads inside read or write now: a close then must not wait for them (see close). */
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean open = true;

    TlsChannel(SocketChannel raw, SSLSocket ssl, String peer, boolean client) throws IOException {
        this.raw = raw;
        this.ssl = ssl;
        this.in = ssl.getInputStream();
        this.out = ssl.getOutputStream();
        this.peer = peer;
        this.client = client;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        enter();
        try {
            int n;
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                n = in.read(readChunk, 0, Math.min(dst.remaining(), CHUNK));
                if (n > 0) {
                    dst.put(readChunk, 0, n);
                }
            }
            return n;
        } catch (SSLException e) {
            throw TlsFailure.of(e, peer, client);
        } finally {
            busy.decrementAndGet();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        enter();
        try {
            long total = 0;
            int filled = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = srcs[i];
                while (b.hasRemaining()) {
                    int n = Math.min(b.remaining(), CHUNK - filled);
                    b.get(writeChunk, filled, n);
                    filled += n;
                    total += n;
                    if (filled == CHUNK) {
                        out.write(writeChunk, 0, filled);
                        filled = 0;
                    }
                }
            }
            if (filled > 0) {
                out.write(writeChunk, 0, filled);
            }
            return total;
        } catch (SSLException e) {
            throw TlsFailure.of(e, peer, client);
        } finally {
            busy.decrementAndGet();
        }
    }

    private void enter() throws ClosedChannelException {
        busy.incrementAndGet();
        if (!open) {
            busy.decrementAndGet();
            throw new ClosedChannelException();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /**
     * Closes with a TLS close_notify when no other thread is reading or writing. When one is (a
     * cancel, a stall watchdog), the TCP socket is closed first: that wakes the blocked call at
     * once, where the TLS close would wait for it to end.
     */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        if (busy.get() > 0) {
            raw.close();
        }
        try {
            ssl.close();
        } catch (IOException e) {
            // the peer may have gone: the TCP close below is what matters
        } finally {
            raw.close();
        }
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public String peer() {
        return peer;
    }
}
