package io.pagehint.api.memory;

/**
 * Byte sizes in {@link MachineSpec} options, written as on QEMU's command line: a decimal or
 * {@code 0x} hexadecimal number with an optional binary suffix {@code B K M G T P E} (case does not
 * matter), as QEMU's size parser ({@code qemu_strtosz} in util/cutils.c) reads option values of type
 * "size". A bare number is bytes. Every layout provider reads its size options with this, so that
 * {@code 8G} means the same to all of them.
 */
public final class ByteSize {

    private static final String SUFFIXES = "BKMGTPE";

    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} names.
     *
     * @param what what the size is (an option name), for the error message
     * @throws IllegalArgumentException if it is not a size or does not fit in a signed 64-bit value
     */
    public static long parse(String what, String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(what + ": empty size");
        }
        int shift = 0;
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        int suffix = SUFFIXES.indexOf(last);
        boolean hex = t.startsWith("0x") || t.startsWith("0X");
        // in a hex number B and E are digits, so a suffix there is only K M G T P
        if (suffix >= 0 && !(hex && (last == 'B' || last == 'E'))) {
            shift = 10 * suffix;
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = hex ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a size (examples: 512M, 8G, 1T, 0x100000)");
        }
        if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >>> shift))) {
            throw new IllegalArgumentException(what + ": '" + text + "' is out of range");
        }
        return n << shift;
    }

    /** {@code bytes} in the largest binary unit that divides it exactly: 3584M, 2G, 640K, 4095. */
    public static String format(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        for (int i = SUFFIXES.length() - 1; i > 0; i--) {
            long unit = 1L << (10 * i);
            if (bytes % unit == 0) {
                return (bytes / unit) + String.valueOf(SUFFIXES.charAt(i));
            }
        }
        return Long.toString(bytes);
    }
}
