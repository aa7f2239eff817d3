package io.pagehint.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger checks = new AtomicInteger();
        Await.until(Duration.ofMinutes(1), "the third check", () -> checks.incrementAndGet() >= 3);
        assertThat(checks).hasValue(3);
    }

    @Test
    void failsWithWhatItWaitedForAndTheStateAtTheTimeout() {
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(1), "the guest to churn", () -> false, () -> "0 operations"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not within 1 ms: the guest to churn; now: 0 operations");
    }
}
