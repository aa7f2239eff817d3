package io.pagehint.api.bitmap;

import static io.pagehint.api.testing.PerBitModel.assertSame;
import static io.pagehint.api.testing.PerBitModel.randomBitmap;
import static io.pagehint.api.testing.PerBitModel.randomSteps;
import static io.pagehint.api.testing.PerBitModel.toBitSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every word-level operation held against a plain per-bit model (java.util.BitSet). */
class PageBitmapTest {

    /** {@link io.pagehint.api.testing.PerBitModel#EDGE_SIZES}. */
    @ParameterizedTest
    @MethodSource("io.pagehint.api.testing.PerBitModel#edgeSizes")
    void randomOperationsAgreeWithPerBitModel(long size) {
        randomSteps(size, (bm, ref, other, otherRef, from, to, rnd) -> {
            switch (rnd.nextInt(7)) {
                case 0 -> { bm.setRange(from, to); ref.set((int) from, (int) to); }
                case 1 -> { bm.clearRange(from, to); ref.clear((int) from, (int) to); }
                case 2 -> {
                    BitSet cleared = (BitSet) ref.get((int) from, (int) to).clone();
                    cleared.and(otherRef.get((int) from, (int) to));
                    assertThat(bm.andNot(other, from, to)).isEqualTo(cleared.cardinality());
                    BitSet o = otherRef.get((int) from, (int) to);
                    for (int i = o.nextSetBit(0); i >= 0; i = o.nextSetBit(i + 1)) {
                        ref.clear((int) from + i);
                    }
                }
                case 3 -> {
                    BitSet added = (BitSet) otherRef.get((int) from, (int) to).clone();
                    added.andNot(ref.get((int) from, (int) to));
                    assertThat(bm.or(other, from, to)).isEqualTo(added.cardinality());
                    BitSet o = otherRef.get((int) from, (int) to);
                    for (int i = o.nextSetBit(0); i >= 0; i = o.nextSetBit(i + 1)) {
                        ref.set((int) from + i);
                    }
                }
                case 4 -> {
                    long bit = rnd.nextLong(size);
                    assertThat(bm.testAndClear(bit)).isEqualTo(ref.get((int) bit));
                    ref.clear((int) bit);
                }
                case 5 -> {
                    long bit = rnd.nextLong(size);
                    bm.set(bit);
                    ref.set((int) bit);
                }
                default -> {
                    long w = rnd.nextLong(bm.wordCount());
                    int len = (int) Math.min(bm.wordCount() - w, 1 + rnd.nextInt(70));
                    long[] out = new long[len];
                    long taken = bm.getAndClearWords(w, out, 0, len);
                    long expectTaken = 0;
                    for (int k = 0; k < len; k++) {
                        long wordRef = wordOf(ref, w + k);
                        assertThat(out[k]).isEqualTo(wordRef);
                        expectTaken += Long.bitCount(wordRef);
                    }
                    assertThat(taken).isEqualTo(expectTaken);
                    ref.clear((int) (w * 64), (int) Math.min(size, (w + len) * 64));
                }
            }
            return ref;
        });
    }

    @Test
    void wordsReadAndWrittenInBulkAgreeWithPerBitModel() {
        SplittableRandom rnd = new SplittableRandom(11);
        long size = 3 * 262_144 + 77; // three segments and a part word
        PageBitmap bm = randomBitmap(size, rnd);
        BitSet ref = toBitSet(bm);
        for (int step = 0; step < 200; step++) {
            long w = rnd.nextLong(bm.wordCount());
            int len = (int) Math.min(bm.wordCount() - w, 1 + rnd.nextInt(rnd.nextBoolean() ? 70 : 9000));
            long[] words = new long[len + 2];
            bm.getWords(w, words, 1, len);
            for (int k = 0; k < len; k++) {
                assertThat(words[1 + k]).as("word %d", w + k).isEqualTo(wordOf(ref, w + k));
                words[1 + k] = rnd.nextLong();
            }
            bm.setWords(w, words, 1, len);
            for (int k = 0; k < len; k++) {
                for (int b = 0; b < 64 && (w + k) * 64 + b < size; b++) {
                    ref.set((int) ((w + k) * 64 + b), (words[1 + k] & (1L << b)) != 0);
                }
            }
            assertSame(bm, ref, size);
        }
        PageBitmap sparse = new PageBitmap(4 * 262_144);
        sparse.setWords(100, new long[9000], 0, 9000);
        assertThat(sparse.allocatedBytes()).as("zeros written where nothing was allocated").isZero();
        assertThatThrownBy(() -> sparse.setWords(sparse.wordCount() - 1, new long[2], 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void queriesAgreeWithPerBitModel() {
        SplittableRandom rnd = new SplittableRandom(7);
        long size = 2 * 262_144 + 99;
        PageBitmap bm = randomBitmap(size, rnd);
        BitSet ref = toBitSet(bm);
        for (int i = 0; i < 300; i++) {
            long a = rnd.nextLong(size + 1);
            long b = rnd.nextLong(size + 1);
            long from = Math.min(a, b);
            long to = Math.max(a, b);
            assertThat(bm.cardinality(from, to)).isEqualTo(ref.get((int) from, (int) to).cardinality());
            long next = bm.nextSetBit(from);
            int refNext = ref.nextSetBit((int) from);
            assertThat(next).isEqualTo(refNext < 0 || refNext >= size ? -1 : refNext);
            assertThat(bm.nextClearBit(from)).isEqualTo(Math.min(size, ref.nextClearBit((int) from)));
        }
        BitSet runs = new BitSet();
        bm.forEachSetRange((s, e) -> {
            assertThat(e).isGreaterThan(s);
            assertThat(runs.get((int) s - 1 < 0 ? 0 : (int) s - 1) && s > 0).as("runs are maximal").isFalse();
            runs.set((int) s, (int) e);
        });
        assertThat(runs).isEqualTo(ref);
    }

    @Test
    void sixteenTebibyteGuestFitsAndStaysSparse() {
        long pages16TiB = (16L << 40) / 4096;
        PageBitmap bm = new PageBitmap(pages16TiB);
        bm.set(pages16TiB - 1);
        bm.set(0);
        assertThat(bm.cardinality()).isEqualTo(2);
        assertThat(bm.nextSetBit(1)).isEqualTo(pages16TiB - 1);
        // two segments allocated, not 512 MiB
        assertThat(bm.allocatedBytes()).isEqualTo(2L * PageBitmap.SEGMENT_WORDS * 8);
    }

    @Test
    void bitsBeyondSizeAreNeverSet() {
        PageBitmap bm = new PageBitmap(70);
        bm.orWord(1, -1L);
        assertThat(bm.cardinality()).isEqualTo(6);
        assertThat(bm.word(1)).isEqualTo(0b111111L);
        assertThatThrownBy(() -> bm.set(70)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> bm.setRange(3, 71)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /**
     * The engine's race: a sender takes words out of the migration bitmap while hints clear bits
     * of the same words. Every bit must be counted exactly once, by one side or the other.
     */
    @Test
    void concurrentSenderAndHintFilterAccountForEveryBitOnce() throws Exception {
        long size = 4 * 262_144;
        for (int trial = 0; trial < 20; trial++) {
            PageBitmap migration = new PageBitmap(size);
            migration.setAll();
            PageBitmap hint = randomBitmap(size, new SplittableRandom(trial));
            AtomicLong taken = new AtomicLong();
            CountDownLatch go = new CountDownLatch(1);
            Thread sender = new Thread(() -> {
                await(go);
                long[] buf = new long[64];
                for (long w = 0; w < migration.wordCount(); w += buf.length) {
                    int n = (int) Math.min(buf.length, migration.wordCount() - w);
                    taken.addAndGet(migration.getAndClearWords(w, buf, 0, n));
                }
            });
            sender.start();
            go.countDown();
            long cleared = migration.andNot(hint);
            sender.join();
            assertThat(taken.get() + cleared + migration.cardinality()).isEqualTo(size);
            assertThat(migration.cardinality()).isZero();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long wordOf(BitSet ref, long w) {
        long v = 0;
        for (int b = 0; b < 64; b++) {
            if (ref.get((int) (w * 64 + b))) {
                v |= 1L << b;
            }
        }
        return v;
    }

    @Test
    void theWordMaskIsTheBitsOfTheWordInsideTheRange() {
        assertThat(PageBitmap.wordMask(0, 0, 64)).isEqualTo(-1L);
        assertThat(PageBitmap.wordMask(1, 0, 1000)).isEqualTo(-1L);
        assertThat(PageBitmap.wordMask(1, 66, 1000)).isEqualTo(-1L << 2);
        assertThat(PageBitmap.wordMask(1, 0, 67)).isEqualTo(0b111L);
        assertThat(PageBitmap.wordMask(1, 65, 67)).isEqualTo(0b110L);
        assertThat(PageBitmap.wordMask(2, 0, 192)).isEqualTo(-1L);
        for (long from = 60; from < 200; from += 7) {
            for (long to = from + 1; to < 260; to += 11) {
                for (long w = from >>> 6; w <= (to - 1) >>> 6; w++) {
                    long expected = 0;
                    for (int b = 0; b < 64; b++) {
                        long bit = (w << 6) + b;
                        if (bit >= from && bit < to) {
                            expected |= 1L << b;
                        }
                    }
                    assertThat(PageBitmap.wordMask(w, from, to)).as("word %d of [%d, %d)", w, from, to).isEqualTo(expected);
                }
            }
        }
    }
}
