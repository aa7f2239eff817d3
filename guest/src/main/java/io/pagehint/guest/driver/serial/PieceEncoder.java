package io.pagehint.guest.driver.serial;

import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.serial.wire.Message.ChunkRanges;
import io.pagehint.channel.serial.wire.Message.ChunkWords;
import java.util.Arrays;

/**
 * Turns one piece of the guest's loose bitmap into the shorter of the two chunk encodings
 * (PROTOCOL.md A.4): raw words without the all-zero words at either end, or runs of free pages.
 * Runs win where free memory comes in long stretches (a guest just booted), words where it is
 * fragmented.
 */
final class PieceEncoder {

    private PieceEncoder() {
    }

    /**
     * The chunk for {@code words[0, length)} starting at {@code firstPfn} (a multiple of 64), or
     * null if the piece marks no page.
     */
    static Message encode(long commandId, long firstPfn, long[] words, int length, boolean rangesAllowed) {
        int lo = 0;
        while (lo < length && words[lo] == 0) {
            lo++;
        }
        if (lo == length) {
            return null;
        }
        int hi = length;
        while (words[hi - 1] == 0) {
            hi--;
        }
        long wordBytes = 24 + 8L * (hi - lo);
        if (rangesAllowed) {
            long runs = countRuns(words, lo, hi);
            if (16 + 16 * runs < wordBytes) {
                return new ChunkRanges(commandId, runs(firstPfn, words, lo, hi, (int) runs));
            }
        }
        return new ChunkWords(commandId, firstPfn + 64L * lo, Arrays.copyOfRange(words, lo, hi));
    }

    /** Runs of set bits: a run starts at each set bit whose lower neighbour is clear. */
    private static long countRuns(long[] words, int lo, int hi) {
        long runs = 0;
        long carry = 0; // the bit below bit 0 of the current word
        for (int i = lo; i < hi; i++) {
            long w = words[i];
            runs += Long.bitCount(w & ~((w << 1) | carry));
            carry = w >>> 63;
        }
        return runs;
    }

    private static long[] runs(long firstPfn, long[] words, int lo, int hi, int count) {
        long[] out = new long[2 * count];
        int k = 0;
        long start = -1;
        for (int i = lo; i < hi; i++) {
            long w = words[i];
            long base = firstPfn + 64L * i;
            int bit = 0;
            while (bit < 64) {
                if (start < 0) {
                    long rest = w >>> bit;
                    if (rest == 0) {
                        break;
                    }
                    bit += Long.numberOfTrailingZeros(rest);
                    start = base + bit;
                } else {
                    long rest = ~w >>> bit; // clear bits from 'bit' up; the shift brings in no false ones
                    if (rest == 0) {
                        break;
                    }
                    bit += Long.numberOfTrailingZeros(rest);
                    out[k++] = start;
                    out[k++] = base + bit - start;
                    start = -1;
                }
            }
        }
        if (start >= 0) {
            out[k++] = start;
            out[k++] = firstPfn + 64L * hi - start;
        }
        return out;
    }
}
