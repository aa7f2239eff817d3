package io.pagehint.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuietProcessesTest {

    @Test
    void aSleepingProcessIsQuietAndASpinningOneIsNot() throws Exception {
        Process sleeping = new ProcessBuilder("sleep", "60").start();
        Process spinning = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Duration waited = QuietProcesses.await(Duration.ofSeconds(5), sleeping.pid());
            assertThat(waited).as("quiet after one window").isPositive().isLessThan(Duration.ofSeconds(5));

            Duration busy = QuietProcesses.await(Duration.ofMillis(600), sleeping.pid(), spinning.pid());
            assertThat(busy).as("a spinning process keeps it waiting to the limit").isNegative();
        } finally {
            sleeping.destroyForcibly();
            spinning.destroyForcibly();
        }
    }
}
