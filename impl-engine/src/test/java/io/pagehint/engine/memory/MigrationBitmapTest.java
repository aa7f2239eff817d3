package io.pagehint.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.engine.toy.ToyLayouts;
import org.junit.jupiter.api.Test;

/** The pages still to send: one bitmap per RAM block, filled for the bulk round, refilled by harvests. */
class MigrationBitmapTest {

    /** 16 MiB low + 16 MiB high in block 0 (8192 pages), a 4 MiB DIMM in block 1 (1024 pages). */
    private static final GuestMemoryLayout LAYOUT = ToyLayouts.pc(16L << 20, 16L << 20, 4096, 4L << 20);

    @Test
    void thereIsOneBitmapPerBlockSizedInGuestPages() {
        MigrationBitmap m = new MigrationBitmap(LAYOUT);
        assertThat(m.blockCount()).isEqualTo(2);
        assertThat(m.block(0).size()).isEqualTo(8192);
        assertThat(m.block(1).size()).isEqualTo(1024);
        assertThat(m.remaining()).isZero();
    }

    @Test
    void theBulkRoundMarksEveryPageOfEveryBlock() {
        MigrationBitmap m = new MigrationBitmap(LAYOUT);
        m.setAll();
        assertThat(m.remaining()).isEqualTo(8192 + 1024);
    }

    @Test
    void aHarvestAddsTheLogsPagesKeepsWhatWasLeftAndEmptiesTheLog() {
        MigrationBitmap m = new MigrationBitmap(LAYOUT);
        m.block(0).set(5); // not yet sent
        RecordingDirtyLog log = new RecordingDirtyLog(LAYOUT);
        log.write(0, 5);
        log.write(0, 8191);
        log.write(1, 0);

        assertThat(m.harvest(log)).as("pages the log held").isEqualTo(3);
        assertThat(m.remaining()).isEqualTo(3);
        assertThat(m.block(0).get(5)).isTrue();
        assertThat(m.block(0).get(8191)).isTrue();
        assertThat(m.block(1).get(0)).isTrue();

        assertThat(m.harvest(log)).as("a write is harvested once").isZero();
        assertThat(m.remaining()).isEqualTo(3);
    }
}
