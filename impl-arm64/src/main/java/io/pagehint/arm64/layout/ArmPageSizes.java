package io.pagehint.arm64.layout;

import io.pagehint.api.memory.ByteSize;
import java.util.List;

/**
 * The page sizes of Arm guests and hosts. An aarch64 MMU translates with a granule of 4, 16 or
 * 64 KiB, and a Linux guest picks one at build time (CONFIG_ARM64_4K/16K/64K_PAGES); distributions
 * for servers often pick 64 KiB. A host backs guest RAM with pages of its own granule or with huge
 * pages: Linux on arm64 offers, per granule, the contiguous-PTE, PMD, contiguous-PMD and (4 KiB only)
 * PUD sizes that arch/arm64/mm/hugetlbpage.c (hugetlbpage_init, arch_hugetlb_valid_size) registers,
 * which with the three granules make 64K, 2M, 32M, 512M, 1G and 16G.
 */
final class ArmPageSizes {

    static final long KiB = 1L << 10;
    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;

    /** The translation granules, and so the guest page sizes. */
    static final List<Long> GRANULES = List.of(4 * KiB, 16 * KiB, 64 * KiB);
    /** Every size a host page backing guest RAM can have: a granule or one of its huge page sizes. */
    static final List<Long> HOST_PAGES = List.of(4 * KiB, 16 * KiB, 64 * KiB, 2 * MiB, 32 * MiB, 512 * MiB, GiB, 16 * GiB);

    private ArmPageSizes() {
    }

    /** A guest page size option: 4K, 16K or 64K. */
    static int guestPageSize(String option, String text) {
        long size = ByteSize.parse(option, text);
        if (!GRANULES.contains(size)) {
            throw new IllegalArgumentException(option + "=" + text + ": an aarch64 guest page is 4K, 16K or 64K");
        }
        return (int) size;
    }

    /** A host page size option: a granule or an arm64 huge page size. */
    static long hostPageSize(String option, String text) {
        long size = ByteSize.parse(option, text);
        if (!HOST_PAGES.contains(size)) {
            throw new IllegalArgumentException(option + "=" + text
                    + ": an arm64 host page is 4K, 16K or 64K, or a huge page of 64K, 2M, 32M, 512M, 1G or 16G");
        }
        return size;
    }
}
