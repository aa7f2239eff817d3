package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.vm.VmState;
import io.pagehint.engine.net.FaultyRelay;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every wait has a deadline. The source gives up on a destination that stops taking data or never
 * answers END, and resumes its paused guest (it has not sent COMMIT, so the guest is still its
 * own); the destination gives up on a source that trickles or never hands the guest over.
 */
class DeadlineTest {

    /** Short deadlines, so the tests wait seconds: the destination's stall timeout. */
    private static final EngineSettings QUICK = new EngineSettings(Duration.ofMillis(100), Duration.ofSeconds(2), 20, 10);

    private final MigrationHarness harness = new MigrationHarness(QUICK);

    @Test
    void aStalledNetworkFailsTheSourceAtItsStallTimeoutAndTheGuestRuns() throws Exception {
        // 128 MiB in use: far more than the socket buffers between the source and the stalled relay
        try (ToyGuest guest = new ToyGuest("stalled", ToyLayouts.pc(64L << 20, 64L << 20, 4096, 0), ToyGuest.Behaviour.idle(1.0))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            try (FaultyRelay link = new FaultyRelay(in.address(), 1 << 20, Long.MAX_VALUE, false)) {
                Migration out = harness.source.migrate(guest, link.address(), MigrationOptions.builder().useHints(false)
                        .stallTimeout(Duration.ofSeconds(1)).build(), null);

                MigrationReport src = out.await(MigrationHarness.TIMEOUT);
                assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(src.failure()).contains("took no data").contains("stall timeout");
                assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(dst.outcome()).isNotEqualTo(MigrationPhase.COMPLETED);
                assertThat(incoming.isAbandoned()).isTrue();
            }
        }
    }

    @Test
    void aLostResultResumesThePausedGuestAndTheDestinationWaitsForCommitNoLongerThanItsStallTimeout() throws Exception {
        try (ToyGuest guest = new ToyGuest("lost-result", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 21))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            // ACCEPT (one record header) gets through, RESULT does not; the destination's side stays open
            try (FaultyRelay link = new FaultyRelay(in.address(), Long.MAX_VALUE, StreamFormat.RECORD_HEADER_LENGTH, true)) {
                Migration out = harness.source.migrate(guest, link.address(), MigrationOptions.builder().useHints(false)
                        .resultTimeout(Duration.ofSeconds(1)).build(), null);

                MigrationReport src = out.await(MigrationHarness.TIMEOUT);
                assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(src.failure()).contains("no RESULT").contains("result timeout");
                assertThat(guest.control().state()).as("paused for the final round, resumed").isEqualTo(VmState.RUNNING);
                assertGuestKeepsRunning(guest);

                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(dst.failure()).contains("COMMIT").contains("stall timeout");
                assertThat(incoming.isAbandoned()).as("no COMMIT, nothing kept").isTrue();
            }
        }
    }

    @Test
    void aSourceThatTricklesOneByteAtATimeIsCutOffByTheHandshakeDeadline() throws Exception {
        try (ToyGuest guest = new ToyGuest("trickle", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                // a valid header, one byte every 300 ms: never idle for the 2 s stall timeout
                ByteBuffer header = ByteBuffer.allocate(StreamFormat.HEADER_LENGTH).put(StreamFormat.MAGIC)
                        .putShort((short) StreamFormat.VERSION).putShort((short) StreamFormat.HEADER_LENGTH).putInt(0)
                        .putLong(1).putLong(2);
                try (Socket s = new Socket(in.address().getAddress(), in.address().getPort())) {
                    OutputStream o = s.getOutputStream();
                    for (byte b : header.array()) {
                        o.write(b);
                        o.flush();
                        TimeUnit.MILLISECONDS.sleep(300);
                    }
                } catch (Exception cutOff) {
                    // the destination hung up: the point
                }
            });
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
            assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(dst.failure()).contains("handshake").contains("stall timeout");
            assertThat(incoming.isAbandoned()).isTrue();
            trickle.cancel(true);
        }
    }

    @Test
    void aCancelWhilePacedToOneBytePerSecondEndsAtOnceAndTheDestinationGetsCancel() throws Exception {
        try (ToyGuest guest = new ToyGuest("paced", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 22))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration out = harness.source.migrate(guest, in.address(), MigrationOptions.builder().useHints(false)
                    .bandwidthLimit(1).build(), null);
            // the first PAGES record would take days at 1 byte/s: cancel while the source waits in the pacer
            Thread sender = awaitThread("pagehint-source-" + out.id().substring(0, 8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(out.phase() == MigrationPhase.BULK && sender.getState() == Thread.State.TIMED_WAITING)) {
                assertThat(System.nanoTime()).as("the source reaches the pacer").isLessThan(deadline);
                Thread.sleep(5);
            }
            out.cancel();

            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).isEqualTo(MigrationPhase.CANCELLED);
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
            assertThat(dst.outcome()).isEqualTo(MigrationPhase.CANCELLED);
            assertThat(dst.failure()).as("CANCEL arrived, not a closed connection").contains("the source cancelled");
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
        }
    }

    private static Thread awaitThread(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name)) {
                    return t;
                }
            }
            assertThat(System.nanoTime()).as("thread " + name + " starts").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    static void assertGuestKeepsRunning(ToyGuest guest) throws InterruptedException {
        long before = guest.operations();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (guest.operations() == before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(guest.operations()).isGreaterThan(before);
    }
}
