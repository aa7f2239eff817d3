package io.pagehint.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExecutionGateTest {

    private final ExecutionGate gate = new ExecutionGate();

    @Test
    void pauseWaitsForTheThreadInsideAndThenKeepsEveryoneOut() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        CompletableFuture<Void> vcpu = CompletableFuture.runAsync(() -> {
            gate.enter();
            inside.countDown();
            await(leave);
            gate.exit();
        });
        inside.await();
        CompletableFuture<Void> pausing = CompletableFuture.runAsync(() -> {
            try {
                gate.pause(Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(Duration.ofSeconds(30), "the gate to pause", gate::isPaused);
        assertThat(pausing).as("a write is in flight, so the pause is not done").isNotDone();
        leave.countDown();
        pausing.get(30, TimeUnit.SECONDS);
        vcpu.get(30, TimeUnit.SECONDS);

        AtomicBoolean ran = new AtomicBoolean();
        Thread late = new Thread(() -> {
            gate.enter();
            ran.set(true);
            gate.exit();
        });
        late.start();
        Await.until(Duration.ofSeconds(30), "the late thread to wait at the gate", () -> late.getState() == Thread.State.WAITING);
        assertThat(ran).as("nothing runs while paused").isFalse();
        gate.resume();
        late.join(30_000);
        assertThat(ran).isTrue();
    }

    @Test
    void sectionsNestSoACallbackIntoTheKernelDoesNotDeadlockAPause() throws Exception {
        gate.enter();
        gate.enter(); // a shrinker calling back into the kernel
        gate.exit();
        assertThat(gate.isInside()).isTrue();
        assertThatThrownBy(() -> gate.pause(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
        assertThat(gate.isPaused()).as("a failed pause reopens the gate").isFalse();
        gate.exit();
        gate.pause(Duration.ofSeconds(5));
        assertThat(gate.isPaused()).isTrue();
        gate.resume();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
