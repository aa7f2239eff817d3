package io.pagehint.x86.tighten;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.testing.NamedLayout;
import io.pagehint.x86.TestLayouts;
import java.util.stream.Stream;

/** x86 layouts to tighten: each machine type, split variant, host page size, sizes off the 2 MiB grid, DIMMs. */
final class X86Catalogue {

    static final long M = 1L << 20;
    static final long G = 1L << 30;
    static final long T = 1L << 40;

    private X86Catalogue() {
    }

    static GuestMemoryLayout layout(String machine, long ram, String... options) {
        return TestLayouts.layout(machine, ram, options);
    }

    static NamedLayout named(String machine, long ram, String... options) {
        String name = machine + " " + ram / M + "M " + String.join(" ", options);
        return new NamedLayout(name.trim(), layout(machine, ram, options));
    }

    /** Layouts small enough for the per-bit reference to check every page (8 GiB at most). */
    static Stream<NamedLayout> checkedPageByPage() {
        return Stream.of(
                named("pc", M),
                named("q35", 2 * M + 8192),
                named("pc", 100 * M + 8192),
                named("q35", 2 * G),
                named("q35", 2816 * M - 8192),
                named("q35", 2816 * M, "host-page-size=2M"),
                named("pc", 3584 * M - 8192),
                named("pc", 3584 * M),
                named("pc", 4 * G + 8192, "machine-version=1.7"),
                named("pc", 4 * G + 24 * 1024, "max-ram-below-4g=" + (3 * G + 4096)),
                named("q35", 3 * G + 40 * 1024, "max-ram-below-4g=" + (G + 12 * 1024)),
                named("q35", 4 * G, "max-ram-below-4g=2047M", "host-page-size=2M"),
                named("pc", 4 * G, "max-ram-below-4g=4G"),
                named("pc", 3968 * M, "max-ram-below-4g=4G", "host-page-size=2M"),
                named("pc", 5 * G, "machine-version=1.7", "host-page-size=1G"),
                named("q35", 4 * G, "machine-version=1.7", "host-page-size=2M"),
                named("q35", 3 * G, "dimms=2M,6M", "host-page-size=1G", "dimm-host-page-size=2M"),
                named("pc", 2 * G + 8192, "dimms=1G,2M", "maxmem=4G", "slots=4"),
                named("q35", 8 * G),
                named("pc", 8 * G, "host-page-size=1G"));
    }

    /** Layouts whose host pages hold guest pages of two ranges, or straddle reserved pages, among plain ones: tightened in chunks. */
    static Stream<NamedLayout> streamed() {
        return Stream.of(
                named("pc", 5 * G, "machine-version=1.7", "host-page-size=1G"),
                named("q35", 4 * G, "max-ram-below-4g=2047M", "host-page-size=2M"),
                named("pc", 4 * G + 24 * 1024, "max-ram-below-4g=" + (3 * G + 4096)),
                named("q35", 3 * G, "dimms=2M,6M", "dimm-host-page-size=2M"),
                named("pc", 100 * M + 8192));
    }

    /** Layouts too large to check page by page: checked in windows around every edge. */
    static Stream<NamedLayout> checkedInWindows() {
        return Stream.of(
                named("q35", T, "phys-bits=41"),
                named("pc", T + 8192, "phys-bits=41"),
                named("q35", 2 * T, "cpu-vendor=amd", "phys-bits=42", "host-page-size=1G"),
                named("pc", 2 * T - 2 * M, "cpu-vendor=amd", "phys-bits=42", "host-page-size=2M", "max-ram-below-4g=2047M",
                        "dimms=1G,2G", "dimm-host-page-size=1G"));
    }
}
