package io.pagehint.guest.boot;

import java.util.Locale;

/** Sizes on the command line: {@code 512M}, {@code 8G}, {@code 1T} (binary units), {@code 4096}, {@code 0x1000}. */
public final class Sizes {

    private Sizes() {
    }

    public static long parse(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        try {
            if (t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (n < 0 || (shift > 0 && n > Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + s + " (use 512M, 8G, 1T, bytes or 0x...)");
        }
    }
}
