package io.pagehint.reference.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/** Reads {@code \n}-terminated ASCII lines from a channel, refusing lines longer than a bound. */
final class LineReader {

    /** A line grew past the bound. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException() {
            super("line too long");
        }
    }

    private final ReadableByteChannel ch;
    private final ByteBuffer buf;
    private final int max;

    LineReader(ReadableByteChannel ch, int max) {
        this.ch = ch;
        this.max = max;
        this.buf = ByteBuffer.allocate(max + 1);
        buf.flip();
    }

    /** The next line without its terminator, or null at the end of the stream. */
    String readLine() throws IOException {
        while (true) {
            for (int i = buf.position(); i < buf.limit(); i++) {
                if (buf.get(i) == '\n') {
                    byte[] line = new byte[i - buf.position()];
                    buf.get(line);
                    buf.get(); // the terminator
                    return new String(line, StandardCharsets.US_ASCII);
                }
            }
            if (buf.remaining() > max) {
                throw new LineTooLongException();
            }
            buf.compact();
            int n = ch.read(buf);
            buf.flip();
            if (n < 0) {
                return null;
            }
        }
    }
}
