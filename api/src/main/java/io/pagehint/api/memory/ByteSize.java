package io.pagehint.api.memory;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes, in the one grammar every part of pagehint reads them with: {@link MachineSpec}
 * options, the command line's {@code --ram}, {@code --size} and the like, and component
 * configurations. As QEMU's size parser ({@code qemu_strtosz} in util/cutils.c) reads option values
 * of type "size": a decimal or {@code 0x} hexadecimal number with an optional binary unit
 * {@code K M G T P E} (case does not matter; a bare number, or one followed by {@code B}, is bytes).
 * People also write the unit as {@code GiB} or {@code GB}, and put a space before it: both read as
 * the same binary unit. In a hexadecimal number {@code B} and {@code E} are digits, so its units
 * are {@code K M G T P}.
 *
 * <pre>
 * size    = decimal [ws] [unit] | "0x" hexdigits [ws] [hexunit]
 * unit    = ("K" | "M" | "G" | "T" | "P" | "E") ["iB" | "B"] | "B"
 * hexunit = ("K" | "M" | "G" | "T" | "P") ["iB" | "B"]
 * </pre>
 */
public final class ByteSize {

    private static final String SUFFIXES = "BKMGTPE";
    private static final Pattern DECIMAL = Pattern.compile("(\\d+)\\s*(?:([KMGTPE])(?:IB|B)?|B)?");
    private static final Pattern HEX = Pattern.compile("0X([0-9A-F]+?)(?:\\s*([KMGTP])(?:IB|B)?)?");

    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} names.
     *
     * @throws IllegalArgumentException if it is not a size or does not fit in a signed 64-bit value;
     *                                  the message quotes {@code text} and says which
     */
    public static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        Matcher hex = HEX.matcher(t);
        Matcher dec = DECIMAL.matcher(t);
        String digits;
        String unit;
        int radix;
        if (hex.matches()) {
            digits = hex.group(1);
            unit = hex.group(2);
            radix = 16;
        } else if (dec.matches()) {
            digits = dec.group(1);
            unit = dec.group(2);
            radix = 10;
        } else {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 512M, 8G, 8GiB, 1T, 4096, 0x100000)");
        }
        int shift = unit == null ? 0 : 10 * SUFFIXES.indexOf(unit.charAt(0));
        long n;
        try {
            n = radix == 16 ? Long.parseUnsignedLong(digits, 16) : Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
        }
        if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >>> shift))) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
        }
        return n << shift;
    }

    /**
     * The number of bytes {@code text} names.
     *
     * @param what what the size is (an option name), for the error message
     * @throws IllegalArgumentException if it is not a size or does not fit in a signed 64-bit value
     */
    public static long parse(String what, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
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
