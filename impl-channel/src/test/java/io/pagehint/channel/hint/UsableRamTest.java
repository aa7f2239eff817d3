package io.pagehint.channel.hint;

import static io.pagehint.channel.testing.Layouts.GiB;
import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import io.pagehint.channel.testing.Layouts;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UsableRamTest {

    private final GuestMemoryLayout layout = Layouts.withHole(64 * MiB, 32 * MiB);
    private final UsableRam ram = new UsableRam(layout);
    private final long highPfn = 4 * GiB / 4096;

    @Test
    void runsInsideRamAreUsableAndRunsTouchingAHoleOrTheLegacyAreaAreNot() {
        assertThat(ram.containsRun(0x100, 1)).as("first page after the legacy area").isTrue();
        assertThat(ram.containsRun(0, 0xA0)).as("below 640 KiB").isTrue();
        assertThat(ram.containsRun(0x9F, 2)).as("runs into the legacy area").isFalse();
        assertThat(ram.containsRun(0x100, 64 * MiB / 4096 - 0x100)).as("up to the end of low RAM").isTrue();
        assertThat(ram.containsRun(0x100, 64 * MiB / 4096 - 0xFF)).as("one page into the hole").isFalse();
        assertThat(ram.containsRun(highPfn, 32 * MiB / 4096)).as("all of high RAM").isTrue();
        assertThat(ram.containsRun(highPfn - 1, 2)).as("from the hole into high RAM").isFalse();
        assertThat(ram.containsRun(Long.MAX_VALUE - 1, 4)).as("overflowing").isFalse();
        assertThat(ram.containsRun(5, 0)).isFalse();
        assertThat(ram.pfnLimit()).isEqualTo(highPfn + 32 * MiB / 4096);
    }

    @Test
    void byteRangesMustBeWholePages() {
        assertThat(ram.containsPages(4 * MiB, 4 * MiB)).isTrue();
        assertThat(ram.containsPages(4 * MiB + 512, 4096)).isFalse();
        assertThat(ram.containsPages(4 * MiB, 4095)).isFalse();
        assertThat(ram.containsPages(-4096, 8192)).isFalse();
    }

    @Test
    void aPartlyReservedPageIsNotUsable() {
        RamBlock block = new RamBlock(0, "ram", 16 * MiB, 4096, List.of(new RamRange(0, 16 * MiB, 0)));
        UsableRam r = new UsableRam(new GuestMemoryLayout("x86_64", "pc", 4096, List.of(block),
                List.of(new ReservedRange(0x9FC00, 0x400, "EBDA"))));
        assertThat(r.containsRun(0x9E, 1)).isTrue();
        assertThat(r.containsRun(0x9F, 1)).as("the page holding the EBDA").isFalse();
        assertThat(r.containsRun(0xA0, 1)).isTrue();
    }

    @Test
    void wordsAreCheckedOnlyWhereTheyLeaveUsableRam() {
        long[] words = new long[8];
        words[0] = -1L;
        assertThat(ram.wordsInside(0x100, words)).isTrue();
        assertThat(ram.wordsInside(0x80, words)).as("bits 0x80..0xBF, partly legacy").isFalse();
        long end = 64 * MiB / 4096;
        long[] last = new long[2];
        last[0] = 1L << 63;
        assertThat(ram.wordsInside(end - 64, last)).as("last page of low RAM").isTrue();
        last[1] = 1;
        assertThat(ram.wordsInside(end - 64, last)).as("first page of the hole").isFalse();
        assertThat(ram.wordsInside(3, new long[] {0})).as("unaligned first PFN").isFalse();
    }

    @Test
    void wordsAgreeWithAPageByPageCheckOnRandomBitmaps() {
        Random random = new Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            long first = (random.nextBoolean() ? random.nextInt(64 * 256) : highPfn - 64 * 8 + random.nextInt(64 * 16)) & ~63L;
            long[] words = new long[1 + random.nextInt(12)];
            for (int i = 0; i < words.length; i++) {
                words[i] = random.nextInt(4) == 0 ? random.nextLong() : (random.nextInt(3) == 0 ? 1L << random.nextInt(64) : 0);
            }
            boolean expected = true;
            for (int i = 0; i < words.length * 64; i++) {
                if ((words[i >>> 6] & (1L << i)) != 0 && !layout.isUsableRam((first + i) * 4096, 4096)) {
                    expected = false;
                }
            }
            assertThat(ram.wordsInside(first, words)).as("trial %d from PFN %d", trial, first).isEqualTo(expected);
        }
    }
}
