package io.pagehint.engine.stream;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading and writing the stream's strings and bounded fields (big-endian ByteBuffers). */
final class Wire {

    private Wire() {
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > StreamFormat.MAX_STRING_BYTES) {
            // cut on a character boundary rather than fail: strings are names and reasons
            String cut = s;
            while (bytes.length > StreamFormat.MAX_STRING_BYTES) {
                cut = cut.substring(0, cut.length() - 1);
                bytes = cut.getBytes(StandardCharsets.UTF_8);
            }
        }
        b.putShort((short) bytes.length);
        b.put(bytes);
    }

    static int stringBytes(String s) {
        return 2 + Math.min(StreamFormat.MAX_STRING_BYTES, s.getBytes(StandardCharsets.UTF_8).length);
    }

    static String getString(ByteBuffer b, String what) throws StreamFormatException {
        int n = u16(b, what + " length");
        if (n > StreamFormat.MAX_STRING_BYTES) {
            throw new StreamFormatException(what + " is " + n + " bytes, more than " + StreamFormat.MAX_STRING_BYTES);
        }
        need(b, n, what);
        ByteBuffer slice = b.slice(b.position(), n);
        b.position(b.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new StreamFormatException(what + " is not UTF-8");
        }
    }

    static int u8(ByteBuffer b, String what) throws StreamFormatException {
        need(b, 1, what);
        return b.get() & 0xFF;
    }

    static int u16(ByteBuffer b, String what) throws StreamFormatException {
        need(b, 2, what);
        return b.getShort() & 0xFFFF;
    }

    static long u32(ByteBuffer b, String what) throws StreamFormatException {
        need(b, 4, what);
        return b.getInt() & 0xFFFF_FFFFL;
    }

    /** A u64 that must fit a signed long (every size and address in the stream does). */
    static long u64(ByteBuffer b, String what) throws StreamFormatException {
        need(b, 8, what);
        long v = b.getLong();
        if (v < 0) {
            throw new StreamFormatException(what + " is too large: 0x" + Long.toHexString(v));
        }
        return v;
    }

    static void need(ByteBuffer b, int n, String what) throws StreamFormatException {
        if (b.remaining() < n) {
            throw new StreamFormatException("record ends inside " + what);
        }
    }

    static void expectEnd(ByteBuffer b, String record) throws StreamFormatException {
        if (b.hasRemaining()) {
            throw new StreamFormatException(record + " has " + b.remaining() + " bytes more than its fields");
        }
    }

    static <T> T guard(ThrowingSupplier<T> s) throws StreamFormatException {
        try {
            return s.get();
        } catch (BufferUnderflowException e) {
            throw new StreamFormatException("record ends early");
        }
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws StreamFormatException;
    }
}
