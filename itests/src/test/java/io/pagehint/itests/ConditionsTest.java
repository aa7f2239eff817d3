package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The itests' wait, outside a framework: it returns once the condition holds and says what it waited for when it does not. */
class ConditionsTest {

    @Test
    void returnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch checkedOnce = new CountDownLatch(1);
        Thread setter = new Thread(() -> {
            try {
                checkedOnce.await();
                done.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        setter.start();
        Conditions.await(Duration.ofMinutes(1), "the flag", () -> {
            checkedOnce.countDown();
            return done.get();
        }, () -> "flag " + done.get());
        assertThat(done).isTrue();
        setter.join();
    }

    @Test
    void failsWithWhatItWaitedForAndTheStateAtTheTimeout() {
        assertThatThrownBy(() -> Conditions.await(Duration.ofMillis(1), "the engine binds the x86 tightener",
                () -> false, () -> "bound []"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not within 1 ms: the engine binds the x86 tightener; now: bound []");
    }
}
