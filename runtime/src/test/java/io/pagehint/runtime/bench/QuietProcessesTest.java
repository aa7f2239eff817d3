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
            // await says by its sign whether the processes went quiet before the limit: no clock is read here
            Duration waited = QuietProcesses.await(Duration.ofMinutes(1), sleeping.pid());
            assertThat(waited).as("a sleeping process is quiet before the limit").isPositive();

            Duration busy = QuietProcesses.await(Duration.ofMillis(600), sleeping.pid(), spinning.pid());
            assertThat(busy).as("a spinning process keeps it waiting to the limit").isNegative();
        } finally {
            sleeping.destroyForcibly();
            spinning.destroyForcibly();
        }
    }
}
