package io.pagehint.x86.layout;

import io.pagehint.api.memory.ByteSize;
import java.util.Locale;

/**
 * Byte-size helpers of the x86 layouts. Option values are read and written as QEMU's command line
 * writes them, by the API's {@link ByteSize}, which every layout provider shares.
 */
final class Sizes {

    static final long KiB = 1L << 10;
    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;
    static final long TiB = 1L << 40;

    private Sizes() {
    }

    /** {@link ByteSize#parse}. */
    static long parse(String what, String text) {
        return ByteSize.parse(what, text);
    }

    /** {@link ByteSize#format}. */
    static String format(long bytes) {
        return ByteSize.format(bytes);
    }

    static long alignUp(long value, long alignment) {
        return Math.addExact(value, alignment - 1) & -alignment;
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value).toLowerCase(Locale.ROOT);
    }
}
