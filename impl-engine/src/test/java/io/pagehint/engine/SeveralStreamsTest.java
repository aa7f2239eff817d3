package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.ReceiveOptions;
import io.pagehint.api.vm.VmState;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import io.pagehint.engine.transport.TestCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several streams per migration (docs/STREAM.md 6): a guest that keeps writing arrives whole over
 * 2 and 3 streams, over TLS too, though pages it rewrites are sent again in later rounds, each
 * time on the stream its unit belongs to; one stream failing fails the migration, source whole.
 */
class SeveralStreamsTest {

    @TempDir
    Path tmp;

    private final MigrationHarness harness = new MigrationHarness();

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aChurningGuestWithHintsArrivesWholeOverSeveralStreams(int streams) throws Exception {
        try (ToyGuest guest = new ToyGuest("streams-" + streams, ToyLayouts.small(), ToyGuest.Behaviour.churn(2, 20, 40 + streams))) {
            harness.withHints(guest, 8, Duration.ofMillis(1));
            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.builder().streams(streams)
                    .bandwidthLimit(64L << 20).build());
            assertThat(run.source().outcome()).as(run.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(run.destination().outcome()).as(run.destination().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(run.destination().selfCheck().passed()).as(run.destination().selfCheck().problems().toString()).isTrue();
            assertThat(run.source().rounds()).as("pages were sent again in later rounds").isGreaterThan(1);
            assertThat(run.destination().bytesOnWire()).isEqualTo(run.source().bytesOnWire());
        }
    }

    @Test
    void twoStreamsOverTlsArriveWhole() throws Exception {
        TestCredentials.Ca ca = TestCredentials.Ca.create("streams CA");
        Path src = TestCredentials.folder(tmp.resolve("src"), ca, null, ca.issue("CN=source"));
        Path dst = TestCredentials.folder(tmp.resolve("dst"), ca, ca.issue("CN=destination"), null);
        try (ToyGuest guest = new ToyGuest("streams-tls", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 10, 50))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming,
                    new ReceiveOptions(dst, Set.of("CN=source"), false), null);
            Migration out = harness.source.migrate(guest, in.address(),
                    MigrationOptions.builder().useHints(false).streams(2).tlsCredentials(src).build(), null);
            MigrationReport s = out.await(MigrationHarness.TIMEOUT);
            MigrationReport d = in.await(MigrationHarness.TIMEOUT);
            assertThat(s.outcome()).as(s.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(d.selfCheck().passed()).as(d.selfCheck().problems().toString()).isTrue();
        }
    }

    @Test
    void aPageStreamCutMidRoundFailsTheMigrationAndTheGuestRuns() throws Exception {
        try (ToyGuest guest = new ToyGuest("streams-cut", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 51))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            try (CutSecondConnection proxy = new CutSecondConnection(in.address(), 1 << 20)) {
                Migration out = harness.source.migrate(guest, proxy.address(),
                        MigrationOptions.builder().useHints(false).streams(2).bandwidthLimit(16L << 20).build(), null);
                MigrationReport s = out.await(MigrationHarness.TIMEOUT);
                MigrationReport d = in.await(MigrationHarness.TIMEOUT);
                assertThat(s.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(s.failure()).isNotBlank().doesNotContain("\n");
                assertThat(d.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(d.failure()).contains("stream 1");
                assertThat(incoming.isAbandoned()).isTrue();
                assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
                long before = guest.operations();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (guest.operations() == before && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(guest.operations()).isGreaterThan(before);
            }
        }
    }

    /** Forwards every connection; cuts the second one (stream 1) after {@code limit} bytes from the source. */
    private static final class CutSecondConnection implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();

        CutSecondConnection(InetSocketAddress target, long limit) throws IOException {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            CompletableFuture.runAsync(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(target.getAddress(), target.getPort());
                        long cut = connections.getAndIncrement() == 1 ? limit : Long.MAX_VALUE;
                        CompletableFuture.runAsync(() -> pump(out, in, Long.MAX_VALUE));
                        CompletableFuture.runAsync(() -> pump(in, out, cut));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        private static void pump(Socket from, Socket to, long limit) {
            byte[] buf = new byte[64 << 10];
            long moved = 0;
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                int n;
                while (moved < limit && (n = i.read(buf)) > 0) {
                    int m = (int) Math.min(n, limit - moved);
                    o.write(buf, 0, m);
                    moved += m;
                }
            } catch (IOException ignored) {
                // cutting is the point
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
