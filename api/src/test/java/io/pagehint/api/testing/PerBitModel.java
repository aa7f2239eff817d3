package io.pagehint.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import java.util.BitSet;
import java.util.SplittableRandom;

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
