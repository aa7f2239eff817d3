package io.pagehint.engine.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A plain TCP connection; gives back first the byte the acceptor read to tell plain from TLS. */
final class PlainChannel implements StreamChannel {

    private final SocketChannel socket;
    private final String peer;
    /** The byte already read from the socket, or -1. */
    private int pushedBack;

    PlainChannel(SocketChannel socket, int pushedBack) throws IOException {
        this.socket = socket;
        this.pushedBack = pushedBack;
        this.peer = String.valueOf(socket.getRemoteAddress());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (pushedBack >= 0 && dst.hasRemaining()) {
            dst.put((byte) pushedBack);
            pushedBack = -1;
            return 1;
        }
        return socket.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return socket.write(srcs);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public String peer() {
        return peer;
    }
}
