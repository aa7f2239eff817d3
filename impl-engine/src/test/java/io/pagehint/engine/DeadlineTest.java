package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.vm.VmState;
import io.pagehint.engine.net.FaultyRelay;
import io.pagehint.engine.stream.Replies;
import io.pagehint.engine.stream.RoundKind;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.stream.StreamWriter;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.UUID;
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
    void aStalledSecondStreamFailsTheSourceAtItsStallTimeoutAndTheGuestRuns() throws Exception {
        try (ToyGuest guest = new ToyGuest("stalled-1", ToyLayouts.pc(64L << 20, 64L << 20, 4096, 0), ToyGuest.Behaviour.idle(1.0))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            // stream 0 carries everything; stream 1 stops after 1 MiB, far less than its half of 128 MiB
            try (FaultyRelay link = new FaultyRelay(in.address(), new long[] {Long.MAX_VALUE, 1 << 20}, Long.MAX_VALUE, false)) {
                Migration out = harness.source.migrate(guest, link.address(), MigrationOptions.builder().useHints(false)
                        .streams(2).stallTimeout(Duration.ofSeconds(1)).build(), null);

                MigrationReport src = out.await(MigrationHarness.TIMEOUT);
                assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(src.failure()).contains("took no data on stream 1").contains("stall timeout");
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
    void aSecondStreamThatNeverConnectsIsCutOffByTheDestinationsDeadline() throws Exception {
        try (ToyGuest guest = new ToyGuest("no-stream-1", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            try (SocketChannel stream0 = SocketChannel.open(in.address())) {
                // stream 0 of 2, accepted; stream 1 never comes
                StreamWriter w = new StreamWriter(stream0, guest.layout().guestPageSize(), null);
                w.header(UUID.randomUUID(), 0, 2);
                w.layout(guest.layout());
                assertThat(Replies.read(stream0)).isInstanceOf(Replies.Reply.Accept.class);

                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(dst.failure()).contains("connection of stream 1").contains("stall timeout");
                assertThat(incoming.isAbandoned()).isTrue();
            }
        }
    }

    @Test
    void aPageStreamThatStopsInARecordIsCutOffWhileStreamZeroKeepsSending() throws Exception {
        try (ToyGuest guest = new ToyGuest("stream-1-stalls", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            UUID id = UUID.randomUUID();
            try (SocketChannel stream0 = SocketChannel.open(in.address())) {
                StreamWriter w0 = new StreamWriter(stream0, guest.layout().guestPageSize(), null);
                w0.header(id, 0, 2);
                w0.layout(guest.layout());
                assertThat(Replies.read(stream0)).isInstanceOf(Replies.Reply.Accept.class);
                try (SocketChannel stream1 = SocketChannel.open(in.address())) {
                    StreamWriter w1 = new StreamWriter(stream1, guest.layout().guestPageSize(), null);
                    w1.header(id, 1, 2);
                    assertThat(Replies.read(stream1)).isInstanceOf(Replies.Reply.Accept.class);
                    // half a record header on stream 1, then nothing more
                    stream1.write(ByteBuffer.wrap(new byte[] {StreamFormat.TYPE_PAGES, 0, 0}));
                    // stream 0 sends a record every 300 ms, well within its own deadline, for 5 stall timeouts
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    int round = 0;
                    try {
                        while (!in.phase().isFinal() && System.nanoTime() < until) {
                            round++;
                            w0.round(round, round == 1 ? RoundKind.BULK : RoundKind.ITERATE);
                            TimeUnit.MILLISECONDS.sleep(300);
                        }
                    } catch (IOException cutOff) {
                        // the destination closed every stream: the point
                    }
                    MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                    assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
                    assertThat(dst.failure()).contains("a record of stream 1").contains("stall timeout");
                    assertThat(incoming.isAbandoned()).isTrue();
                }
            }
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
