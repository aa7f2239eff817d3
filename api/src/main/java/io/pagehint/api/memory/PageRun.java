package io.pagehint.api.memory;

/**
 * A run of guest pages and where they live: page frames {@code [firstPfn, endPfn)} are pages
 * {@code [firstBlockPage, firstBlockPage + pages())} of RAM block {@code block} (page offsets in the
 * block, as the tight bitmap, the migration bitmap and the dirty log count them).
 *
 * @param firstPfn       the first guest page frame number
 * @param endPfn         one past the last
 * @param block          the index of the RAM block holding the run
 * @param firstBlockPage the page offset in that block of {@code firstPfn}
 */
public record PageRun(long firstPfn, long endPfn, int block, long firstBlockPage) {

    public PageRun {
        if (firstPfn < 0 || endPfn <= firstPfn || block < 0 || firstBlockPage < 0) {
            throw new IllegalArgumentException("bad page run: PFNs [" + firstPfn + ", " + endPfn + ") at page "
                    + firstBlockPage + " of block " + block);
        }
    }

    /** Guest pages in the run. */
    public long pages() {
        return endPfn - firstPfn;
    }

    /** The page offset in the block of one past the run's last page. */
    public long endBlockPage() {
        return firstBlockPage + pages();
    }
}
