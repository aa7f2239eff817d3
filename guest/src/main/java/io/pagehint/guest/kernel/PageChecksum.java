package io.pagehint.guest.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The content checksum a used page carries in its metadata: the sum, modulo 2^64, of
 * {@code mix(word[i] + i * K)} over the page's little-endian 64-bit words, where {@code mix} is
 * MurmurHash3's 64-bit finaliser (a bijection) and {@code K} an odd constant.
 *
 * <p>Why this shape: each word contributes one term, so a write of a few bytes updates the sum
 * from the old and new words alone, without reading the rest of the page; and since {@code mix} is
 * a bijection, changing any one word (a single flipped byte, say) always changes the sum. A
 * page replaced by zeros, or any other content, matches only by a 2^-64 accident.
 */
public final class PageChecksum {

    private static final long K = 0x9E3779B97F4A7C15L;
    static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private PageChecksum() {
    }

    /** MurmurHash3's fmix64: a bijection on 64-bit values that spreads every input bit. */
    public static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** The term of word {@code wordIndex} holding {@code value}. */
    public static long term(int wordIndex, long value) {
        return mix(value + wordIndex * K);
    }

    /** The checksum of {@code len} bytes (a multiple of 8) of {@code page} from {@code off}, as a page. */
    public static long of(byte[] page, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len >>> 3; i++) {
            sum += term(i, (long) WORDS.get(page, off + (i << 3)));
        }
        return sum;
    }

    /** The checksum of a page of {@code pageSize} bytes that are all {@code value}. */
    public static long ofFilled(int pageSize, byte value) {
        long word = (value & 0xffL) * 0x0101010101010101L;
        long sum = 0;
        for (int i = 0; i < pageSize >>> 3; i++) {
            sum += term(i, word);
        }
        return sum;
    }

    /**
     * Fills {@code page[0, pageSize)} with the pseudo-random stream of {@code seed} (xorshift64*),
     * returning its checksum. The content of a file page is this stream for a seed made of
     * (file, index, version): a pure function that the self-check can recompute.
     */
    public static long fillPseudoRandom(byte[] page, int pageSize, long seed) {
        long x = mix(seed) | 1;
        long sum = 0;
        for (int i = 0; i < pageSize >>> 3; i++) {
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            long w = x * 0x2545F4914F6CDD1DL;
            WORDS.set(page, i << 3, w);
            sum += term(i, w);
        }
        return sum;
    }

    /** The seed of the content of page {@code index} of file {@code file} at {@code version}. */
    public static long fileSeed(int file, int index, int version) {
        return mix(((long) file << 32 | (index & 0xffffffffL)) ^ mix(version + 0x5851F42D4C957F2DL));
    }
}
