package io.pagehint.engine.hints;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.api.tighten.testing.PerBitTightener;
import io.pagehint.engine.memory.MigrationBitmap;
import io.pagehint.engine.memory.RecordingDirtyLog;
import io.pagehint.engine.toy.ToyLayouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gate on its own, one call at a time, no threads: which chunks reach the migration bitmap and
 * which are kept out. Each test names the rule of the invariant it holds; the race tests show the
 * same rules under load, these say which one broke.
 */
class HintGateTest {

    /** 16 MiB from 0 and 16 MiB from 4 GiB in one block of 4 KiB pages; PFNs 0x9F-0xFF reserved. */
    private static final GuestMemoryLayout LAYOUT = ToyLayouts.small();
    private static final long HIGH_PFN = (4L << 30) / 4096;
    private static final long HIGH_PAGE = (16L << 20) / 4096;

    private final MigrationBitmap migration = new MigrationBitmap(LAYOUT);
    private final List<String> failures = new ArrayList<>();

    private HintGate gate(BitmapTightener tightener, PageBitmap[] skipped, boolean applyStaleHints) {
        migration.setAll();
        return new HintGate(LAYOUT, tightener, migration, skipped, applyStaleHints, (id, status, detail) -> { },
                failures::add);
    }

    private HintGate gate() {
        return gate(new PerBitTightener(), null, false);
    }

    private static HintChunk.Ranges run(long commandId, long firstPfn, long pages) {
        return new HintChunk.Ranges(commandId, new long[] {firstPfn, pages});
    }

    private long left() {
        return migration.remaining();
    }

    @Test
    void aChunkOfTheOpenCommandIdClearsExactlyItsPagesFromTheMigrationBitmap() {
        HintGate g = gate();
        long all = left();
        g.open(7);
        g.onChunk(run(7, 0x200, 100));
        g.onChunk(run(7, HIGH_PFN + 64, 64));

        assertThat(all - left()).isEqualTo(164);
        PageBitmap block = migration.block(0);
        assertThat(block.get(0x1FF)).isTrue();
        assertThat(block.cardinality(0x200, 0x200 + 100)).isZero();
        assertThat(block.get(0x200 + 100)).isTrue();
        assertThat(block.cardinality(HIGH_PAGE + 64, HIGH_PAGE + 128)).isZero();
        assertThat(g.counters().chunksApplied()).isEqualTo(2);
        assertThat(g.counters().pagesSkipped()).isEqualTo(164);
        assertThat(g.counters().chunksDropped()).isZero();
    }

    @Test
    void aChunkBeforeAnyOpenIsDropped() {
        HintGate g = gate();
        long all = left();
        g.onChunk(run(1, 0x200, 100));
        assertThat(left()).isEqualTo(all);
        assertThat(g.counters().chunksDropped()).isEqualTo(1);
    }

    @Test
    void aChunkOfAnotherCommandIdIsDroppedAndCounted() {
        HintGate g = gate();
        long all = left();
        g.open(2);
        g.onChunk(run(1, 0x200, 100)); // the last round's
        g.onChunk(run(3, 0x400, 100)); // one never asked for
        assertThat(left()).isEqualTo(all);
        assertThat(g.counters().chunksDropped()).isEqualTo(2);
        assertThat(g.counters().chunksApplied()).isZero();
    }

    /**
     * Open → chunk → close → harvest → stale chunk: the page was hinted free, then written (dirty in
     * the log), and the harvest put it back. A chunk of the closed round arriving after the harvest
     * must not clear it again, or the write is lost.
     */
    @Test
    void aChunkAfterCloseCannotClearAPageTheHarvestPutBack() {
        HintGate g = gate();
        g.open(1);
        g.onChunk(run(1, 0x200, 64));
        assertThat(migration.block(0).get(0x210)).isFalse();

        g.close();
        RecordingDirtyLog log = new RecordingDirtyLog(LAYOUT);
        log.write(0, 0x210); // the guest reused the page after hinting it
        migration.harvest(log);
        assertThat(migration.block(0).get(0x210)).isTrue();

        g.onChunk(run(1, 0x200, 64)); // the same request's late chunk
        assertThat(migration.block(0).get(0x210)).as("the harvested write must still be sent").isTrue();
        assertThat(g.counters().chunksDropped()).isEqualTo(1);
    }

    /** The test-only switch turns that rule off, and the same sequence loses the write: the check above can fail. */
    @Test
    void withStaleHintsAppliedTheSameSequenceLosesTheWrite() {
        HintGate g = gate(new PerBitTightener(), null, true);
        g.open(1);
        g.onChunk(run(1, 0x200, 64));
        g.close();
        RecordingDirtyLog log = new RecordingDirtyLog(LAYOUT);
        log.write(0, 0x210);
        migration.harvest(log);
        g.onChunk(run(1, 0x200, 64));
        assertThat(migration.block(0).get(0x210)).isFalse();
    }

    @Test
    void reopeningForTheNextRoundLetsOnlyItsOwnChunksThrough() {
        HintGate g = gate();
        g.open(1);
        g.close();
        g.open(2);
        long all = left();
        g.onChunk(run(1, 0x200, 64));
        assertThat(left()).isEqualTo(all);
        g.onChunk(run(2, 0x200, 64));
        assertThat(all - left()).isEqualTo(64);
    }

    /** A request's loose bits do not outlive its round: open starts from empty bitmaps. */
    @Test
    void openForgetsTheLastRoundsHintsSoAHugePageIsNotCompletedFromTwoRounds() {
        GuestMemoryLayout huge = ToyLayouts.pc(16L << 20, 0, 2L << 20, 0); // 2 MiB host pages: 512 guest pages each
        MigrationBitmap mig = new MigrationBitmap(huge);
        mig.setAll();
        HintGate g = new HintGate(huge, new PerBitTightener(), mig, null, false, (id, s, d) -> { }, failures::add);
        long all = mig.remaining();
        g.open(1);
        g.onChunk(run(1, 1024, 256)); // the first half of host page 2
        assertThat(mig.remaining()).as("half a host page is not skipped").isEqualTo(all);
        g.close();
        g.open(2);
        g.onChunk(run(2, 1024 + 256, 256)); // the second half, a round later
        assertThat(mig.remaining()).as("the halves come from different rounds").isEqualTo(all);
        g.onChunk(run(2, 1024, 256)); // now this round says both halves are free
        assertThat(all - mig.remaining()).isEqualTo(512);
    }

    @Test
    void pagesInAReservedRangeOrOutsideRamAreNeverCleared() {
        HintGate g = gate();
        long all = left();
        g.open(1);
        g.onChunk(run(1, 0x9F, 0x100 - 0x9F)); // the reserved range
        g.onChunk(run(1, (16L << 20) / 4096, 1024)); // the hole above low RAM
        g.onChunk(run(1, HIGH_PFN + HIGH_PAGE, 4096)); // beyond the last PFN
        assertThat(left()).isEqualTo(all);
        assertThat(g.counters().holeBits()).isEqualTo((0x100 - 0x9F) + 1024);
        assertThat(failures).isEmpty();
    }

    @Test
    void skippedRecordsOnlyThePagesTheGateClearedNotThoseAlreadySent() {
        PageBitmap[] skipped = {new PageBitmap(LAYOUT.blocks().get(0).pages(4096))};
        HintGate g = gate(new PerBitTightener(), skipped, false);
        migration.block(0).clearRange(0x200, 0x220); // already sent this round
        g.open(1);
        g.onChunk(run(1, 0x200, 64));
        assertThat(skipped[0].cardinality()).isEqualTo(32);
        assertThat(skipped[0].cardinality(0x220, 0x240)).isEqualTo(32);
        assertThat(g.counters().pagesSkipped()).isEqualTo(32);
    }

    @Test
    void aTightenerThatThrowsStopsHintsOnceAndLeavesTheBitmapAlone() {
        BitmapTightener broken = new BitmapTightener() {
            @Override
            public TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                                         TightFreePageBitmap into) {
                throw new IllegalStateException("boom");
            }
        };
        HintGate g = gate(broken, null, false);
        long all = left();
        g.open(1);
        g.onChunk(run(1, 0x200, 64));
        g.onChunk(run(1, 0x400, 64));
        assertThat(left()).isEqualTo(all);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).contains("boom");
        assertThat(g.counters().chunksDropped()).isEqualTo(1);
    }
}
