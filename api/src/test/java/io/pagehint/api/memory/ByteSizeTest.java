package io.pagehint.api.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({"4096, 4096", "4K, 4096", "4k, 4096", "2M, 2097152", "3584M, 3758096384", "1G, 1073741824",
            "2T, 2199023255552", "0x1000, 4096", "0x10M, 16777216", "0x1b, 27", "7B, 7", "1E, 1152921504606846976"})
    void readsSizesAsQemuWritesThem(String text, long bytes) {
        assertThat(ByteSize.parse("size", text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "1.5G", "-1", "8E", "1Q", "0x"})
    void refusesWhatIsNotASize(String text) {
        assertThatThrownBy(() -> ByteSize.parse("size", text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
    }

    @ParameterizedTest
    @CsvSource({"3758096384, 3584M", "2147483648, 2G", "4095, 4095", "655360, 640K", "0, 0"})
    void formatsInTheLargestExactUnit(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }
}
