package io.pagehint.benche2e.run;

import java.util.Locale;

/**
 * Byte counts as the benchmark's lines and table show them (4096 B, 12.5 MiB, 1.25 GiB): the same
 * format as the runtime's migration reports ({@code io.pagehint.runtime.migration.ReportText.bytes}),
 * so a bench line reads like a {@code pagehint migrate} line. A copy, because the only package both
 * bundles import is the API, which is for contracts; when a second user outside the runtime appears,
 * this belongs beside {@code ByteSize.format} in the API.
 */
final class Bytes {

    private Bytes() {
    }

    static String readable(long b) {
        if (b < 10L << 10) {
            return b + " B";
        }
        if (b < 10L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 10L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / 1073741824.0);
    }
}
