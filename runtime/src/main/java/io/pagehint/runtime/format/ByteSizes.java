package io.pagehint.runtime.format;

/**
 * Byte counts as the command line prints them: {@code 8 GiB}, {@code 0x80000000}. They are read with
 * the one size grammar, {@link io.pagehint.api.memory.ByteSize#parse(String)}, which reads these too.
 */
public final class ByteSizes {

    private static final String[] UNIT_NAMES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {
    }

    /** {@code bytes} exactly, in the largest binary unit that divides it: {@code 640 KiB}, {@code 8 GiB}, {@code 4097 B}. */
    public static String format(long bytes) {
        int unit = 0;
        long v = bytes;
        while (unit < UNIT_NAMES.length - 1 && v != 0 && (v & 1023) == 0) {
            v >>= 10;
            unit++;
        }
        return v + " " + UNIT_NAMES[unit];
    }

    /** {@code 0x} and lower-case hex digits, the form the JSON output uses for addresses. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
