package io.pagehint.channel.testing;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Where a host end's answers go when a test feeds it input and only watches what it does. */
public final class DiscardingChannel implements WritableByteChannel {

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        src.position(src.limit());
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
