package io.pagehint.reference.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.reference.testing.ShmDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {

    private static final Duration T = Duration.ofSeconds(30);
    private final ShmDir dir = new ShmDir();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicInteger throttle = new AtomicInteger();
    private final CountDownLatch quit = new CountDownLatch(1);

    private final ControlHandler handler = new ControlHandler() {
        @Override
        public void pause() {
            paused.set(true);
        }

        @Override
        public void resume() {
            paused.set(false);
        }

        @Override
        public void throttle(int percent) {
            if (percent < 0 || percent > 99) {
                throw new IllegalArgumentException("throttle is 0..99 percent: " + percent);
            }
            throttle.set(percent);
        }

        @Override
        public GuestStatus status() {
            return new GuestStatus(paused.get() ? "PAUSED" : "RUNNING", 2, "churn:100ops/s", List.of("churn", "churn"),
                    1234, 56.5, 4096, throttle.get(), 1000, 20, 3, 40, 1024, 4096, 16383, 0, 0, 0);
        }

        @Override
        public void quit() {
            quit.countDown();
        }
    };

    @AfterEach
    void cleanUp() {
        dir.close();
    }

    @Test
    void aClientPausesThrottlesReadsStatusAndQuits() throws Exception {
        Path sock = dir.resolve("c.sock");
        try (ControlServer server = ControlServer.start(sock, handler); ControlClient c = ControlClient.connect(sock)) {
            c.pause(T);
            assertThat(paused).isTrue();
            c.throttle(40, T);
            GuestStatus s = c.status(T);
            assertThat(s).isEqualTo(handler.status());
            assertThat(s.state()).isEqualTo("PAUSED");
            assertThat(s.throttle()).isEqualTo(40);
            c.resume(T);
            assertThat(paused).isFalse();
            c.quit(T);
            // the server answers first and then asks the guest to quit, so the ask may trail the answer
            assertThat(quit.await(T.toSeconds(), TimeUnit.SECONDS)).as("quit reached the guest").isTrue();
        }
        assertThat(Files.exists(sock)).as("closing removes the socket").isFalse();
    }

    @Test
    void badRequestsGetAnErrorAndAnOverlongLineEndsTheConnection() throws Exception {
        Path sock = dir.resolve("c.sock");
        try (ControlServer server = ControlServer.start(sock, handler); ControlClient c = ControlClient.connect(sock)) {
            assertThatThrownBy(() -> c.call("THROTTLE 100", T)).hasMessageContaining("ERR throttle is 0..99");
            assertThatThrownBy(() -> c.call("THROTTLE x", T)).hasMessageContaining("ERR not a number: x");
            assertThatThrownBy(() -> c.call("", T)).hasMessageContaining("ERR unknown command (empty line)");
            assertThat(c.call("status", T)).as("verbs are case-insensitive").startsWith("state=RUNNING");
            assertThatThrownBy(() -> c.call("y".repeat(300), T)).hasMessageContaining("ERR line longer than 256 bytes");
            assertThatThrownBy(() -> c.call("STATUS", T)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void theSocketIsModeSixHundredAndAnExistingPathIsNotTakenOver() throws Exception {
        Path sock = dir.resolve("c.sock");
        try (ControlServer server = ControlServer.start(sock, handler)) {
            assertThat(Files.getPosixFilePermissions(sock)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertThatThrownBy(() -> ControlServer.start(sock, handler)).isInstanceOf(IOException.class).hasMessageContaining("exists");
            try (var list = Files.list(dir.path())) {
                assertThat(list.toList()).as("no temporary directory left behind").containsExactly(sock);
            }
        }
    }

    @Test
    void beyondEightClientsTheServerSaysBusy() throws Exception {
        Path sock = dir.resolve("c.sock");
        List<ControlClient> clients = new ArrayList<>();
        try (ControlServer server = ControlServer.start(sock, handler)) {
            for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
                ControlClient c = ControlClient.connect(sock);
                clients.add(c);
                c.status(T); // served: its thread holds a slot
            }
            try (ControlClient extra = ControlClient.connect(sock)) {
                assertThatThrownBy(() -> extra.status(T)).hasMessageContaining("busy");
            }
        } finally {
            for (ControlClient c : clients) {
                c.close();
            }
        }
    }
}
