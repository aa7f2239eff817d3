package io.pagehint.channel.virtio.device;

import java.util.Arrays;

/**
 * The free blocks of one pass over the free page queue as runs of guest page frame numbers
 * ({@code first, count} pairs), a block that continues the previous run merged into it, so a
 * driver that posts adjacent blocks costs the consumer one run, not many.
 */
final class FreeBlockRuns {

    private long[] runs = new long[16];
    private int n;
    private long pages;

    void add(long firstPfn, long count) {
        pages += count;
        if (n > 0 && runs[n - 2] + runs[n - 1] == firstPfn) {
            runs[n - 1] += count;
            return;
        }
        if (n == runs.length) {
            runs = Arrays.copyOf(runs, n * 2);
        }
        runs[n++] = firstPfn;
        runs[n++] = count;
    }

    /** Pages in all runs. */
    long pages() {
        return pages;
    }

    /** The runs, as {@code HintChunk.Ranges} takes them. */
    long[] toArray() {
        return Arrays.copyOf(runs, n);
    }
}
