package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.testing.Await;
import io.pagehint.api.vm.VmState;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything that can go wrong, and what must hold afterwards: the source guest runs and is
 * whole, the destination has discarded what it received, and each end says why.
 */
class FailureTest {

    private final MigrationHarness harness = new MigrationHarness();

    /** A slow link, so each phase lasts long enough to be cancelled in. */
    private static MigrationOptions slow() {
        return MigrationOptions.builder().bandwidthLimit(8L << 20).useHints(false).build();
    }

    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"SETUP", "BULK", "STOP_AND_COPY", "VERIFYING"})
    void aCancelInAnyPhaseLeavesTheSourceGuestRunningAndTheDestinationDiscards(MigrationPhase when) throws Exception {
        try (ToyGuest guest = new ToyGuest("cancel-" + when, ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 7))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration[] out = new Migration[1];
            CompletableFuture<Void> started = new CompletableFuture<>();
            out[0] = harness.source.migrate(guest, in.address(), slow(), e -> {
                if (e.phase() == when) {
                    started.join();
                    out[0].cancel();
                }
            });
            started.complete(null);

            MigrationReport src = out[0].await(MigrationHarness.TIMEOUT);
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);

            assertThat(src.outcome()).as(src.failure()).isEqualTo(MigrationPhase.CANCELLED);
            assertThat(src.failure()).contains("cancelled");
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
            assertThat(dst.outcome()).isIn(MigrationPhase.CANCELLED, MigrationPhase.FAILED);
            assertThat(incoming.isAbandoned()).as("the destination discards what it received").isTrue();
            assertGuestKeepsRunning(guest);
        }
    }

    @Test
    void aDestinationThatCannotTakeUpTheCommittedGuestReportsFailureNotCompletion() throws Exception {
        try (ToyGuest guest = new ToyGuest("not-taken-up", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.3))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            incoming.failToTakeUp = new java.io.UncheckedIOException(new IOException("rename: No space left on device"));
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration out = harness.source.migrate(guest, in.address(), MigrationOptions.builder().useHints(false).build(), null);

            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
            // the source cannot tell (STREAM.md 4): COMMIT was written
            assertThat(src.outcome()).as(src.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(dst.failure()).contains("handed over").contains("No space left on device");
            assertThat(incoming.isAbandoned()).as("the committed RAM is kept, not discarded").isFalse();
        }
    }

    @Test
    void aDestinationThatGoesAwayMidRoundFailsTheMigrationClearlyAndTheGuestRuns() throws Exception {
        try (ToyGuest guest = new ToyGuest("dest-dies", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 8))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration out = harness.source.migrate(guest, in.address(), slow(), e -> {
                if (e.phase() == MigrationPhase.BULK && e.bytesOnWire() > (1 << 20)) {
                    in.cancel(); // the destination gives up: its socket closes under the source
                }
            });

            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(src.failure()).isNotBlank();
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
            assertThat(in.await(MigrationHarness.TIMEOUT).outcome()).isEqualTo(MigrationPhase.CANCELLED);
            assertThat(incoming.isAbandoned()).isTrue();
            assertGuestKeepsRunning(guest);
        }
    }

    @Test
    void aConnectionCutMidRoundFailsBothEndsAndTheGuestRuns() throws Exception {
        try (ToyGuest guest = new ToyGuest("cut", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 9))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            try (CuttingProxy cut = new CuttingProxy(in.address(), 3 << 20)) {
                Migration out = harness.source.migrate(guest, cut.address(), MigrationOptions.builder().useHints(false).build(), null);

                MigrationReport src = out.await(MigrationHarness.TIMEOUT);
                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(dst.failure()).contains("closed");
                assertThat(incoming.isAbandoned()).isTrue();
                assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
                assertGuestKeepsRunning(guest);
            }
        }
    }

    @Test
    void garbageInsteadOfAStreamIsRejectedWithAClearErrorAndNothingIsKept() throws Exception {
        try (ToyGuest guest = new ToyGuest("garbage", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            byte[] junk = new byte[4096];
            new Random(1).nextBytes(junk);
            try (Socket s = new Socket(in.address().getAddress(), in.address().getPort())) {
                s.getOutputStream().write(junk);
                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(dst.failure()).contains("bad magic");
            }
            assertThat(incoming.isAbandoned()).isTrue();
        }
    }

    @Test
    void aDestinationThatSpeaksNonsenseFailsTheSourceClearlyAndTheGuestRuns() throws Exception {
        try (ToyGuest guest = new ToyGuest("nonsense", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 10));
             ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readNBytes(32);
                    s.getOutputStream().write(new byte[] {(byte) 0x99, 1, 2, 3, 0, 0, 0, 0});
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the source hangs up: that is the point
                }
            });
            Migration out = harness.source.migrate(guest,
                    new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), MigrationOptions.defaults(), null);

            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(src.failure()).contains("reply");
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
            assertGuestKeepsRunning(guest);
        }
    }

    @Test
    void aDestinationPreparedForAnotherLayoutRejectsTheMigration() throws Exception {
        try (ToyGuest guest = new ToyGuest("mismatch", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1));
             ToyGuest other = new ToyGuest("other", ToyLayouts.pc(16L << 20, 32L << 20, 4096, 0), ToyGuest.Behaviour.idle(0))) {
            ToyIncomingVm incoming = new ToyIncomingVm(other);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration out = harness.source.migrate(guest, in.address(), MigrationOptions.defaults(), null);

            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(src.failure()).contains("rejected").contains("layout");
            assertThat(in.await(MigrationHarness.TIMEOUT).outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
        }
    }

    @Test
    void aHintSourceThatGoesAwayMidMigrationLeavesHintsOffAndTheGuestWhole() throws Exception {
        try (ToyGuest guest = new ToyGuest("source-gone", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 10, 11))) {
            var hints = harness.withHints(guest, 8, Duration.ofMillis(2));
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration out = harness.source.migrate(guest, in.address(),
                    MigrationOptions.builder().bandwidthLimit(16L << 20).hintWait(Duration.ZERO).build(), e -> {
                        if (e.phase() == MigrationPhase.BULK) {
                            harness.source.removeHintSource(hints); // the channel bundle stops
                        }
                    });

            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).as(src.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(dst.selfCheck().passed()).as(dst.selfCheck().problems().toString()).isTrue();
            assertThat(src.hints().note()).contains("went away");
        }
    }

    /** The guest's vCPUs still make progress: it was not left paused or throttled. */
    private static void assertGuestKeepsRunning(ToyGuest guest) throws InterruptedException {
        long before = guest.operations();
        Await.until(Duration.ofSeconds(10), "the guest's vCPUs to make progress", () -> guest.operations() > before,
                () -> guest.operations() + " operations, as before");
    }

    /** Forwards one connection and cuts both sides after {@code limit} bytes from the source. */
    private static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicLong forwarded = new AtomicLong();

        CuttingProxy(InetSocketAddress target, long limit) throws IOException {
            server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            CompletableFuture.runAsync(() -> {
                try (Socket in = server.accept(); Socket out = new Socket(target.getAddress(), target.getPort())) {
                    CompletableFuture.runAsync(() -> pump(out, in, Long.MAX_VALUE));
                    pump(in, out, limit);
                } catch (IOException ignored) {
                    // cutting is the point
                }
            });
        }

        private void pump(Socket from, Socket to, long limit) {
            byte[] buf = new byte[65536];
            try {
                InputStream i = from.getInputStream();
                OutputStream o = to.getOutputStream();
                int n;
                while ((n = i.read(buf)) > 0) {
                    o.write(buf, 0, n);
                    if (forwarded.addAndGet(n) > limit) {
                        from.close();
                        to.close();
                        return;
                    }
                }
            } catch (IOException ignored) {
                // the other side went away
            }
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
