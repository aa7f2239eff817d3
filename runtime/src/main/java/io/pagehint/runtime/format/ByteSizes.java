package io.pagehint.runtime.format;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as people write them: {@code 512M}, {@code 8G}, {@code 1T} (binary units; {@code 8GiB}
 * and {@code 8GB} read the same), plain {@code 4096}, or hex bytes {@code 0x80000000}.
 */
public final class ByteSizes {

    private static final Pattern DECIMAL = Pattern.compile("(\\d+)\\s*([kmgtpe]?)(i?b)?");
    private static final Pattern HEX = Pattern.compile("0x([0-9a-f]{1,16})");
    private static final String UNITS = "kmgtpe";
    private static final String[] UNIT_NAMES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {
    }

    /**
     * The byte count {@code text} states.
     *
     * @throws IllegalArgumentException if it is not a size, or does not fit in a {@code long}
     */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher hex = HEX.matcher(t);
        if (hex.matches()) {
            long v = Long.parseUnsignedLong(hex.group(1), 16);
            if (v < 0) {
                throw new IllegalArgumentException("size " + text + " is too large");
            }
            return v;
        }
        Matcher m = DECIMAL.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512M, 8G, 1T, 4096 or 0x1000");
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2);
            int shift = unit.isEmpty() ? 0 : 10 * (UNITS.indexOf(unit) + 1);
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                throw new ArithmeticException();
            }
            return n << shift;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size " + text + " is too large");
        }
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
