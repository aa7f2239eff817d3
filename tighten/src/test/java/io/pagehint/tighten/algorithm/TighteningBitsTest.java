package io.pagehint.tighten.algorithm;

import static io.pagehint.api.testing.PerBitModel.assertSame;
import static io.pagehint.api.testing.PerBitModel.randomBitmap;
import static io.pagehint.api.testing.PerBitModel.randomSteps;
import static io.pagehint.api.testing.PerBitModel.toBitSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.PageBitmap;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shifted copy and the huge-page rule held against a plain per-bit model (java.util.BitSet). */
class TighteningBitsTest {

    /** {@link io.pagehint.api.testing.PerBitModel#EDGE_SIZES}. */
    @ParameterizedTest
    @MethodSource("io.pagehint.api.testing.PerBitModel#edgeSizes")
    void randomCopiesAndGroupRulesAgreeWithPerBitModel(long size) {
        randomSteps(size, (bm, ref, other, otherRef, from, to, rnd) -> {
            switch (rnd.nextInt(4)) {
                case 0 -> { bm.setRange(from, to); ref.set((int) from, (int) to); }
                case 1 -> {
                    // copy [from,to) of other to a random destination offset
                    long count = to - from;
                    long dst = rnd.nextLong(size - count + 1);
                    TighteningBits.copyRange(bm, other, from, dst, count);
                    for (long i = 0; i < count; i++) {
                        ref.set((int) (dst + i), otherRef.get((int) (from + i)));
                    }
                }
                default -> {
                    long group = 1L << rnd.nextInt(12);
                    BitSet expected = retainFullGroupsReference(ref, size, from, to, group);
                    long cleared = ref.cardinality() - expected.cardinality();
                    assertThat(TighteningBits.retainFullGroups(bm, from, to, group)).as("group %d in [%d,%d)", group, from, to)
                            .isEqualTo(cleared);
                    ref = expected;
                }
            }
            return ref;
        });
    }

    /** Host pages of 2 MiB and 1 GiB (512 and 262 144 guest pages) and larger: whole-word groups, a whole segment, several segments. */
    @ParameterizedTest
    @ValueSource(longs = {64, 512, 262_144, 524_288})
    void largeGroupsAgreeWithPerBitModel(long group) {
        SplittableRandom rnd = new SplittableRandom(group);
        long size = 4 * 262_144 + 4096;
        for (int trial = 0; trial < 6; trial++) {
            PageBitmap bm = new PageBitmap(size);
            // mostly full groups, some with a hole, one partly beyond the end
            bm.setAll();
            for (int i = 0; i < 3; i++) {
                bm.clear(rnd.nextLong(size));
            }
            BitSet ref = toBitSet(bm);
            long a = rnd.nextLong(size + 1);
            long b = rnd.nextLong(size + 1);
            long from = trial == 0 ? 0 : Math.min(a, b);
            long to = trial == 0 ? size : Math.max(a, b);
            BitSet expected = retainFullGroupsReference(ref, size, from, to, group);
            assertThat(TighteningBits.retainFullGroups(bm, from, to, group)).isEqualTo(ref.cardinality() - expected.cardinality());
            assertSame(bm, expected, size);
        }
    }

    /** Long copies whose offsets differ modulo 64 and whose source spans two segments per destination segment. */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 63, 64, 65, 4095, 262_143, 262_145})
    void longShiftedCopiesAgreeWithPerBitModel(long shift) {
        SplittableRandom rnd = new SplittableRandom(shift);
        long size = 3 * 262_144 + 333;
        PageBitmap src = randomBitmap(size, rnd);
        BitSet srcRef = toBitSet(src);
        PageBitmap dst = randomBitmap(size, rnd);
        BitSet ref = toBitSet(dst);
        long dstFrom = 17 + rnd.nextLong(100);
        long srcFrom = dstFrom + shift;
        long count = size - srcFrom - rnd.nextLong(100);
        TighteningBits.copyRange(dst, src, srcFrom, dstFrom, count);
        for (long i = 0; i < count; i++) {
            ref.set((int) (dstFrom + i), srcRef.get((int) (srcFrom + i)));
        }
        assertSame(dst, ref, size);
        // and backwards: the source bits lie below the destination
        PageBitmap back = new PageBitmap(size);
        TighteningBits.copyRange(back, src, dstFrom, srcFrom, count);
        BitSet backRef = new BitSet();
        for (long i = 0; i < count; i++) {
            backRef.set((int) (srcFrom + i), srcRef.get((int) (dstFrom + i)));
        }
        assertSame(back, backRef, size);
    }

    @Test
    void copyingClearBitsAllocatesNothing() {
        PageBitmap src = new PageBitmap(4 * 262_144);
        src.set(3 * 262_144 + 5);
        PageBitmap dst = new PageBitmap(4 * 262_144);
        TighteningBits.copyRange(dst, src, 100, 0, 3 * 262_144 - 100);
        assertThat(dst.allocatedBytes()).as("only clear bits were copied").isZero();
        TighteningBits.copyRange(dst, src, 3 * 262_144, 7, 262_144);
        assertThat(dst.allocatedBytes()).isEqualTo(PageBitmap.SEGMENT_WORDS * 8L);
        assertThat(dst.nextSetBit(0)).isEqualTo(12);
    }

    @Test
    void overlappingCopiesWithinOneBitmapAndBadRangesAreRefused() {
        PageBitmap bm = new PageBitmap(1000);
        assertThatThrownBy(() -> TighteningBits.copyRange(bm, bm, 0, 10, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TighteningBits.copyRange(bm, bm, 0, 990, 20)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> TighteningBits.retainFullGroups(bm, 0, 10, 3)).isInstanceOf(IllegalArgumentException.class);
        TighteningBits.copyRange(bm, bm, 0, 500, 20); // apart: allowed
    }

    private static BitSet retainFullGroupsReference(BitSet ref, long size, long from, long to, long group) {
        BitSet out = (BitSet) ref.clone();
        for (long g = (from / group) * group; g < to; g += group) {
            boolean full = g >= from && g + group <= to && g + group <= size
                    && ref.get((int) g, (int) (g + group)).cardinality() == group;
            if (!full) {
                out.clear((int) Math.max(g, from), (int) Math.min(g + group, to));
            }
        }
        return out;
    }
}
