package io.pagehint.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

    @Test
    void readsAndPrintsTheShortForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1H")).isEqualTo(Duration.ofHours(1));
        for (String s : new String[] {"500ms", "10s", "2m", "1h", "0s", "1500ms"}) {
            assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
        }
    }

    @Test
    void refusesDurationsWithoutAUnit() {
        assertThatThrownBy(() -> Durations.parse("10")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> Durations.parse("PT10S")).isInstanceOf(TypeConversionException.class);
    }
}
