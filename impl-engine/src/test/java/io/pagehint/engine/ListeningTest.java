package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A destination waits for a migration, not for a connection: a port probe or a load balancer's
 * health check that connects and says nothing, or closes at once, must neither end the wait nor
 * hold the port while the real source queues behind it (STREAM.md section 0).
 */
class ListeningTest {

    /** The destination's stall timeout is 2 s: the deadline by which a connection must say something. */
    private static final EngineSettings QUICK = new EngineSettings(Duration.ofMillis(100), Duration.ofSeconds(2), 20, 10);

    private final MigrationHarness harness = new MigrationHarness(QUICK);

    private static MigrationOptions plain() {
        return MigrationOptions.builder().useHints(false).build();
    }

    @Test
    void silentConnectionsDoNotHoldThePortFromTheSourceThatConnectsAfterThem() throws Exception {
        try (ToyGuest guest = new ToyGuest("behind-probes", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 3))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            List<Socket> probes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    probes.add(new Socket(in.address().getAddress(), in.address().getPort())); // and never a byte
                }
                Migration out = harness.source.migrate(guest, in.address(), plain(), null);

                MigrationReport src = out.await(MigrationHarness.TIMEOUT);
                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(src.outcome()).as(src.failure()).isEqualTo(MigrationPhase.COMPLETED);
                assertThat(dst.outcome()).as(dst.failure()).isEqualTo(MigrationPhase.COMPLETED);
                assertThat(dst.selfCheck().passed()).isTrue();
                // the destination has stopped listening, and closed the probes with it
                for (Socket probe : probes) {
                    assertThat(readUntilClosed(probe)).as("a probe's connection is closed").isTrue();
                }
            } finally {
                for (Socket probe : probes) {
                    probe.close();
                }
            }
        }
    }

    @Test
    void aConnectionThatClosesWithoutAByteOrStaysSilentPastTheDeadlineLeavesTheDestinationListening() throws Exception {
        try (ToyGuest guest = new ToyGuest("after-probes", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 4))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            new Socket(in.address().getAddress(), in.address().getPort()).close();
            try (Socket silent = new Socket(in.address().getAddress(), in.address().getPort())) {
                // the destination closes it when its 2 s pass ...
                assertThat(readUntilClosed(silent)).as("the silent connection is closed by the destination").isTrue();
            }
            // ... and still waits for a migration
            try {
                MigrationReport early = in.await(Duration.ofMillis(200));
                throw new AssertionError("the destination ended without a migration: " + early.failure());
            } catch (TimeoutException stillWaiting) {
                // the point
            }
            Migration out = harness.source.migrate(guest, in.address(), plain(), null);
            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).as(src.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(dst.outcome()).as(dst.failure()).isEqualTo(MigrationPhase.COMPLETED);
        }
    }

    /** True when the other end closes the connection within the harness timeout. */
    private static boolean readUntilClosed(Socket s) throws Exception {
        s.setSoTimeout((int) MigrationHarness.TIMEOUT.toMillis());
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // nothing is expected; whatever comes is not an answer to a probe
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true; // closed with a reset: closed all the same
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }
}
