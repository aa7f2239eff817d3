package io.pagehint.api.hint;

import io.pagehint.api.bitmap.PageBitmap;

/**
 * A piece of the guest's free-page hints for one request, handed to the consumer as it arrives
 * so pages can be skipped before the last piece is in. Indexed by guest page frame number (a
 * loose bitmap fragment). A hint source hands out only chunks it has validated against the
 * guest's layout: inside guest RAM, aligned, not in a hole or reserved range, not overflowing.
 * The arrays of a chunk are not copied and must not be changed once the chunk is made.
 */
public sealed interface HintChunk permits HintChunk.Words, HintChunk.Ranges {

    /** The command id of the request the chunk answers. */
    long commandId();

    /** The lowest page frame number the chunk can mark. */
    long firstPfn();

    /** One past the highest page frame number the chunk can mark. */
    long endPfn();

    /** Pages the chunk marks free. */
    long pages();

    /** Sets the chunk's free pages in a bitmap indexed by PFN; PFNs beyond its size are ignored. */
    void setInto(PageBitmap byPfn);

    /**
     * Raw bitmap words: bit {@code b} of {@code words[i]} marks PFN {@code firstPfn + 64 i + b}.
     *
     * @param firstPfn a multiple of 64
     */
    record Words(long commandId, long firstPfn, long[] words) implements HintChunk {

        public Words {
            if (firstPfn < 0 || (firstPfn & 63) != 0) {
                throw new IllegalArgumentException("first PFN of a word chunk must be a multiple of 64: " + firstPfn);
            }
        }

        @Override
        public long endPfn() {
            return firstPfn + 64L * words.length;
        }

        @Override
        public long pages() {
            long n = 0;
            for (long w : words) {
                n += Long.bitCount(w);
            }
            return n;
        }

        @Override
        public void setInto(PageBitmap byPfn) {
            long firstWord = firstPfn >>> 6;
            if (firstWord >= byPfn.wordCount()) {
                return;
            }
            int len = (int) Math.min(words.length, byPfn.wordCount() - firstWord);
            byPfn.orWords(firstWord, words, 0, len);
        }
    }

    /**
     * Runs of free pages: {@code startAndCount[2k]} is the first PFN of run k and
     * {@code startAndCount[2k+1]} its number of pages (at least 1).
     */
    record Ranges(long commandId, long[] startAndCount) implements HintChunk {

        public Ranges {
            if ((startAndCount.length & 1) != 0) {
                throw new IllegalArgumentException("ranges come in (start, count) pairs");
            }
            for (int i = 0; i < startAndCount.length; i += 2) {
                long s = startAndCount[i];
                long n = startAndCount[i + 1];
                if (s < 0 || n <= 0 || s + n < s) {
                    throw new IllegalArgumentException("bad free-page range " + s + "+" + n);
                }
            }
        }

        @Override
        public long firstPfn() {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < startAndCount.length; i += 2) {
                min = Math.min(min, startAndCount[i]);
            }
            return startAndCount.length == 0 ? 0 : min;
        }

        @Override
        public long endPfn() {
            long max = 0;
            for (int i = 0; i < startAndCount.length; i += 2) {
                max = Math.max(max, startAndCount[i] + startAndCount[i + 1]);
            }
            return max;
        }

        @Override
        public long pages() {
            long n = 0;
            for (int i = 1; i < startAndCount.length; i += 2) {
                n += startAndCount[i];
            }
            return n;
        }

        @Override
        public void setInto(PageBitmap byPfn) {
            for (int i = 0; i < startAndCount.length; i += 2) {
                long s = startAndCount[i];
                long e = Math.min(byPfn.size(), s + startAndCount[i + 1]);
                if (s < e) {
                    byPfn.setRange(s, e);
                }
            }
        }
    }
}
