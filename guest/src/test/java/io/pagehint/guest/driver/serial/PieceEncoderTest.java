package io.pagehint.guest.driver.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintChunk;
import io.pagehint.channel.serial.wire.Message;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PieceEncoderTest {

    private static PageBitmap decoded(Message m, long size) {
        PageBitmap b = new PageBitmap(size);
        if (m instanceof Message.ChunkWords w) {
            new HintChunk.Words(1, w.firstPfn(), w.words()).setInto(b);
        } else if (m instanceof Message.ChunkRanges r) {
            new HintChunk.Ranges(1, r.runs()).setInto(b);
        }
        return b;
    }

    @Test
    void aLongFreeStretchGoesAsOneRunAndScatteredPagesGoAsWords() {
        long[] stretch = new long[512];
        java.util.Arrays.fill(stretch, 3, 500, -1L);
        Message m = PieceEncoder.encode(7, 64 * 100, stretch, stretch.length, true);
        assertThat(m).isInstanceOf(Message.ChunkRanges.class);
        assertThat(((Message.ChunkRanges) m).runs()).containsExactly(64 * 103, 64 * 497);

        long[] scattered = new long[512];
        for (int i = 0; i < scattered.length; i++) {
            scattered[i] = 0x5555_5555_5555_5555L;
        }
        assertThat(PieceEncoder.encode(7, 0, scattered, scattered.length, true)).isInstanceOf(Message.ChunkWords.class);
        assertThat(PieceEncoder.encode(7, 64 * 100, stretch, stretch.length, false))
                .as("without F_RANGES").isInstanceOf(Message.ChunkWords.class);
    }

    @Test
    void anEmptyPieceSendsNothingAndZeroWordsAtTheEndsAreLeftOut() {
        assertThat(PieceEncoder.encode(7, 0, new long[64], 64, true)).isNull();
        long[] piece = new long[64];
        piece[10] = 0x5A5A_0000_0000_0000L;
        piece[11] = 0x0000_0000_0000_A5A5L;
        Message.ChunkWords w = (Message.ChunkWords) PieceEncoder.encode(7, 6400, piece, piece.length, false);
        assertThat(w.firstPfn()).isEqualTo(6400 + 640);
        assertThat(w.words()).hasSize(2);
    }

    @Test
    void whateverTheEncodingTheGuestsPagesArriveExactly() {
        Random random = new Random(5);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + random.nextInt(200);
            long[] piece = new long[n + 5];
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(5);
                piece[i] = kind == 0 ? -1L : kind == 1 ? 0 : kind == 2 ? random.nextLong() : kind == 3 ? 1L << 63 : 1;
            }
            long first = 64L * random.nextInt(1000);
            long size = first + 64L * n + 64;
            PageBitmap expected = new PageBitmap(size);
            for (int i = 0; i < n * 64; i++) {
                if ((piece[i >>> 6] & (1L << i)) != 0) {
                    expected.set(first + i);
                }
            }
            Message m = PieceEncoder.encode(1, first, piece, n, random.nextBoolean());
            if (expected.cardinality() == 0) {
                assertThat(m).isNull();
            } else {
                assertThat(decoded(m, size).sameBits(expected)).as("trial %d", trial).isTrue();
            }
        }
    }
}
