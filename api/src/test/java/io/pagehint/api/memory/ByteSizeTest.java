package io.pagehint.api.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one size grammar: what it reads, what it refuses and why, what it prints. */
class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({"4096, 4096", "4K, 4096", "4k, 4096", "2M, 2097152", "3584M, 3758096384", "1G, 1073741824",
            "2T, 2199023255552", "0x1000, 4096", "0x10M, 16777216", "0x1b, 27", "7B, 7", "1E, 1152921504606846976",
            "7E, 8070450532247928832"})
    void readsSizesAsQemuWritesThem(String text, long bytes) {
        assertThat(ByteSize.parse("size", text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"8GiB, 8589934592", "8GB, 8589934592", "8gib, 8589934592", "8 GiB, 8589934592", "8 G, 8589934592",
            "' 512M ', 536870912", "640KiB, 655360", "1TiB, 1099511627776", "0x10MiB, 16777216", "0xA0000, 655360",
            "4097 B, 4097", "0x1E, 30", "0x10E, 270"})
    void readsTheUnitsPeopleWriteAsTheSameBinaryUnits(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "GiB", "1.5G", "-1", "-1G", "1Q", "0x", "8 G B", "8Gi", "8iB", "8KB5"})
    void refusesWhatIsNotASize(String text) {
        assertThatThrownBy(() -> ByteSize.parse("--ram", text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--ram: '" + text + "' is not a size (examples: 512M, 8G, 8GiB, 1T, 4096, 0x100000)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8E", "8EiB", "0x8000000000000000", "0x10000000000000000", "99999999999999999999", "0x2000000000000T"})
    void refusesWhatDoesNotFitInALong(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is out of range");
    }

    @ParameterizedTest
    @CsvSource({"3758096384, 3584M", "2147483648, 2G", "4095, 4095", "655360, 640K", "0, 0"})
    void formatsInTheLargestExactUnit(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
        assertThat(ByteSize.parse(text)).as("reads back").isEqualTo(bytes);
    }
}
