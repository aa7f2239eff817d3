package io.pagehint.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * A {@link PageBitmap} held against a plain per-bit model, {@link BitSet}: random bitmaps, the model of
 * a bitmap, and the check that the two agree. For the tests of the bitmap and of what is built on it.
 */
public final class PerBitModel {

    private PerBitModel() {
    }

    /** A bitmap of {@code size} bits in one of three styles: random words, whole words, mostly full. */
    public static PageBitmap randomBitmap(long size, SplittableRandom rnd) {
        PageBitmap bm = new PageBitmap(size);
        int style = rnd.nextInt(3);
        for (long w = 0; w < bm.wordCount(); w++) {
            long v = switch (style) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextInt(4) == 0 ? -1L : 0L;
                default -> rnd.nextInt(8) == 0 ? rnd.nextLong() : -1L;
            };
            bm.orWord(w, v);
        }
        return bm;
    }

    /** Sizes around word and segment edges (a segment is 262 144 bits), and one spanning three segments. */
    public static final long[] EDGE_SIZES = {1, 63, 64, 65, 1000, 262_143, 262_144, 262_145, 3 * 262_144 + 17};

    /** {@link #EDGE_SIZES}, for a {@code @MethodSource}. */
    public static LongStream edgeSizes() {
        return Arrays.stream(EDGE_SIZES);
    }

    /** One random step of {@link #randomSteps}: changes {@code bm} and returns the model of what it now holds. */
    @FunctionalInterface
    public interface Step {
        BitSet apply(PageBitmap bm, BitSet ref, PageBitmap other, BitSet otherRef, long from, long to, SplittableRandom rnd);
    }

    /**
     * 400 random steps on a bitmap of {@code size} bits, from clear, each with a random range
     * {@code [from, to)} and a random other bitmap to combine with; after each step the bitmap must
     * hold exactly the model's bits.
     */
    public static void randomSteps(long size, Step step) {
        SplittableRandom rnd = new SplittableRandom(size);
        PageBitmap bm = new PageBitmap(size);
        BitSet ref = new BitSet();
        PageBitmap other = randomBitmap(size, rnd);
        BitSet otherRef = toBitSet(other);
        for (int i = 0; i < 400; i++) {
            long a = rnd.nextLong(size + 1);
            long b = rnd.nextLong(size + 1);
            ref = step.apply(bm, ref, other, otherRef, Math.min(a, b), Math.max(a, b), rnd);
            assertSame(bm, ref, size);
        }
    }

    /** The bitmap's set bits. */
    public static BitSet toBitSet(PageBitmap bm) {
        BitSet s = new BitSet();
        for (long i = bm.nextSetBit(0); i >= 0; i = bm.nextSetBit(i + 1)) {
            s.set((int) i);
        }
        return s;
    }

    /** Asserts the bitmap holds exactly the model's bits, and the model none beyond {@code size}. */
    public static void assertSame(PageBitmap bm, BitSet ref, long size) {
        assertThat(bm.cardinality()).isEqualTo(ref.cardinality());
        assertThat(toBitSet(bm)).isEqualTo(ref);
        assertThat(ref.length()).isLessThanOrEqualTo((int) size);
    }
}
