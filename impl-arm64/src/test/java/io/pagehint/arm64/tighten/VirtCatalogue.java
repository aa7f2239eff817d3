package io.pagehint.arm64.tighten;

import static io.pagehint.arm64.VirtGuests.named;

import io.pagehint.api.tighten.testing.NamedLayout;
import java.util.stream.Stream;

/**
 * virt layouts to tighten: each guest page size, host pages from a guest page to 16 GiB, RAM below and
 * above 4 GiB and past the legacy 255 GiB, DIMMs with their gaps, sizes off the huge-page grid.
 */
final class VirtCatalogue {

    static final long M = 1L << 20;
    static final long G = 1L << 30;

    private VirtCatalogue() {
    }

    /** Layouts small enough for the per-bit rule to check every page. */
    static Stream<NamedLayout> checkedPageByPage() {
        return Stream.of(
                named(128 * M),
                named(M + 8192),
                named(2 * G),
                named(3 * G, "highmem=off", "host-page-size=2M"),
                named(8 * G),
                named(8 * G, "guest-page-size=64K"),
                named(8 * G, "guest-page-size=64K", "host-page-size=512M"),
                named(4 * G + 64 * 1024, "guest-page-size=64K", "host-page-size=64K"),
                named(6 * G, "guest-page-size=16K", "host-page-size=32M"),
                named(G + 2 * M, "host-page-size=2M", "dimms=2M,6M", "maxmem=4G", "slots=4"),
                named(2 * G, "guest-page-size=64K", "dimms=512M,1G", "dimm-host-page-size=512M"),
                named(2 * G, "guest-page-size=16K", "host-page-size=1G", "dimms=2M,32M", "dimm-host-page-size=2M"));
    }

    /** Layouts whose loose bitmaps arrive in chunks: huge pages, DIMMs and their gaps, each page size. */
    static Stream<NamedLayout> streamed() {
        return Stream.of(
                named(8 * G, "guest-page-size=64K", "host-page-size=512M"),
                named(G + 2 * M, "host-page-size=2M", "dimms=2M,6M", "maxmem=4G", "slots=4"),
                named(2 * G, "guest-page-size=16K", "host-page-size=1G", "dimms=2M,32M", "dimm-host-page-size=2M"),
                named(100 * M + 8192));
    }

    /** Layouts too large to check page by page: checked around every edge. */
    static Stream<NamedLayout> checkedInWindows() {
        return Stream.of(
                named(300 * G, "guest-page-size=64K", "host-page-size=512M"),
                named(1023 * G, "host-page-size=1G"),
                named(2048 * G, "ipa-bits=42", "guest-page-size=16K", "host-page-size=32M", "dimms=16G,32G",
                        "dimm-host-page-size=16G", "maxmem=2200G", "slots=2"));
    }
}
