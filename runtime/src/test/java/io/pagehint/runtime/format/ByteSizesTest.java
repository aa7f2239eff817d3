package io.pagehint.runtime.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.ByteSize;
import org.junit.jupiter.api.Test;

class ByteSizesTest {

    /** What the command line prints, its one size grammar reads back (io.pagehint.api.memory.ByteSizeTest tests the grammar). */
    @Test
    void whatItPrintsReadsBack() {
        for (long bytes : new long[] {8L << 30, 3L << 29, 0xa0000, 4097, 0, 1L << 62}) {
            assertThat(ByteSize.parse(ByteSizes.format(bytes))).isEqualTo(bytes);
            assertThat(ByteSize.parse(ByteSizes.hex(bytes))).isEqualTo(bytes);
        }
    }

    @Test
    void printsExactlyInTheLargestUnitThatDividesTheSize() {
        assertThat(ByteSizes.format(8L << 30)).isEqualTo("8 GiB");
        assertThat(ByteSizes.format(3L << 29)).isEqualTo("1536 MiB");
        assertThat(ByteSizes.format(0xa0000)).isEqualTo("640 KiB");
        assertThat(ByteSizes.format(4097)).isEqualTo("4097 B");
        assertThat(ByteSizes.format(0)).isEqualTo("0 B");
        assertThat(ByteSizes.format(1L << 62)).isEqualTo("4 EiB");
    }
}
