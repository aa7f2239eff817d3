package io.pagehint.engine.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;

/** A {@link StreamWriter} needs a gathering channel; this makes one of any writable channel (a byte array, in memory). */
public final class Gathering {

    private Gathering() {
    }

    public static GatheringByteChannel over(WritableByteChannel ch) {
        return new GatheringByteChannel() {
            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += ch.write(srcs[i]);
                }
                return n;
            }

            @Override
            public long write(ByteBuffer[] srcs) throws IOException {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return ch.write(src);
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
