package io.pagehint.runtime.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void readsSizesTheWayTheyAreWrittenOnACommandLine() {
        assertThat(ByteSizes.parse("512M")).isEqualTo(512L << 20);
        assertThat(ByteSizes.parse("8G")).isEqualTo(8L << 30);
        assertThat(ByteSizes.parse("8g")).isEqualTo(8L << 30);
        assertThat(ByteSizes.parse("8GiB")).isEqualTo(8L << 30);
        assertThat(ByteSizes.parse("8GB")).isEqualTo(8L << 30);
        assertThat(ByteSizes.parse("1T")).isEqualTo(1L << 40);
        assertThat(ByteSizes.parse("640K")).isEqualTo(640L << 10);
        assertThat(ByteSizes.parse("4096")).isEqualTo(4096);
        assertThat(ByteSizes.parse("0x80000000")).isEqualTo(0x8000_0000L);
        assertThat(ByteSizes.parse(" 0xA0000 ")).isEqualTo(0xa0000L);
    }

    @Test
    void refusesWhatIsNotASizeOrDoesNotFit() {
        for (String bad : new String[] {"", "G", "8Q", "-1G", "1.5G", "0x", "0x10M", "8 G B"}) {
            assertThatThrownBy(() -> ByteSizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ByteSizes.parse("8E")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSizes.parse("0x8000000000000000")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSizes.parse("99999999999999999999")).hasMessageContaining("too large");
        assertThat(ByteSizes.parse("7E")).isEqualTo(7L << 60);
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
