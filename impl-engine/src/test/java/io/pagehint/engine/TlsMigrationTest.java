package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.pagehint.engine.transport.TestCredentials.Ca;
import io.pagehint.engine.transport.TestCredentials.Leaf;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 with mutual X.509 authentication on the migration stream: a migration completes, and
 * every way the two ends can fail to trust each other is refused with one line at each end, the
 * source guest running and whole and the destination discarding what it has.
 */
class TlsMigrationTest {

    private static final Duration SHORT = Duration.ofSeconds(2);

    private static Ca ca;
    private static Leaf server;
    private static Leaf client;

    @TempDir
    Path tmp;

    private final MigrationHarness harness = new MigrationHarness(new EngineSettings(Duration.ofMillis(100), SHORT,
            20, 10));

    @BeforeAll
    static void credentials() throws Exception {
        ca = Ca.create("pagehint test CA");
        server = ca.issue("CN=destination,O=pagehint test");
        client = ca.issueRsa("CN=source,O=pagehint test");
    }

    private Path sourceCreds(Ca trusted, Leaf cert) throws IOException {
        return TestCredentials.folder(tmp.resolve("src-" + System.nanoTime()), trusted, null, cert);
    }

    private Path destinationCreds(Ca trusted, Leaf cert) throws IOException {
        return TestCredentials.folder(tmp.resolve("dst-" + System.nanoTime()), trusted, cert, null);
    }

    private record Ends(MigrationReport source, MigrationReport destination, ToyIncomingVm incoming) {
    }

    private Ends migrate(ToyGuest guest, ReceiveOptions receive, MigrationOptions options) throws Exception {
        ToyIncomingVm incoming = new ToyIncomingVm(guest);
        IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, receive, null);
        Migration out = harness.source.migrate(guest, in.address(), options, null);
        MigrationReport src = out.await(MigrationHarness.TIMEOUT);
        MigrationReport dst;
        try {
            dst = in.await(Duration.ofSeconds(20));
        } catch (java.util.concurrent.TimeoutException e) {
            // a source that failed before it connected leaves the destination listening: the
            // assertions on the source's report then say why
            in.cancel();
            dst = in.await(MigrationHarness.TIMEOUT);
        }
        return new Ends(src, dst, incoming);
    }

    private static MigrationOptions tls(Path folder) {
        return MigrationOptions.builder().useHints(false).tlsCredentials(folder).build();
    }

    private static ReceiveOptions tlsIn(Path folder, String... subjects) {
        return new ReceiveOptions(folder, Set.of(subjects), false);
    }

    @Test
    void aMigrationOverTlsCompletesAndTheGuestArrivesWhole() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 21))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(ca, server), "cn=source, o=pagehint test"),
                    tls(sourceCreds(ca, client)));
            assertThat(e.source().outcome()).as(e.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(e.destination().outcome()).as(e.destination().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(e.destination().selfCheck().passed()).as(e.destination().selfCheck().problems().toString()).isTrue();
        }
    }

    @Test
    void aDestinationWarmsItsTlsUpWithAWholeHandshakeBeforeItListens() throws Exception {
        io.pagehint.engine.transport.TlsCredentials dst = io.pagehint.engine.transport.TlsCredentials.load(
                destinationCreds(ca, server), io.pagehint.engine.transport.TlsCredentials.Role.SERVER,
                Set.of("CN=someone else"));
        assertThat(dst.warmUp()).as("the warm-up's handshake finished and its records arrived").isTrue();
    }

    @Test
    void aSourceCertificateFromAnotherCaIsRefused() throws Exception {
        Ca other = Ca.create("another CA");
        try (ToyGuest guest = new ToyGuest("tls-ca", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 22))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(ca, server)),
                    tls(sourceCreds(ca, other.issue("CN=intruder"))));
            assertRefused(guest, e, "the destination refused our certificate", "source's certificate is not signed by the CA");
        }
    }

    @Test
    void aDestinationCertificateFromAnotherCaIsRefused() throws Exception {
        Ca other = Ca.create("another CA");
        try (ToyGuest guest = new ToyGuest("tls-ca2", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 23))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(other, other.issue("CN=impostor"))),
                    tls(sourceCreds(ca, client)));
            assertRefused(guest, e, "destination's certificate is not signed by the CA", "the source refused our certificate");
        }
    }

    @Test
    void anExpiredSourceCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        Leaf expired = ca.issue("CN=source,O=pagehint test", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        try (ToyGuest guest = new ToyGuest("tls-expired", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 24))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(ca, server)), tls(sourceCreds(ca, expired)));
            assertRefused(guest, e, "the destination refused our certificate", "source's certificate has expired");
        }
    }

    @Test
    void aDestinationCertificateNotYetValidIsRefused() throws Exception {
        Instant now = Instant.now();
        Leaf early = ca.issue("CN=destination,O=pagehint test", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        try (ToyGuest guest = new ToyGuest("tls-early", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 25))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(ca, early)), tls(sourceCreds(ca, client)));
            assertRefused(guest, e, "destination's certificate is not yet valid", "the source refused our certificate");
        }
    }

    @Test
    void aSubjectNotOnTheAuthorizationListIsRefused() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls-authz", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 26))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(ca, server), "CN=another source,O=pagehint test"),
                    tls(sourceCreds(ca, client)));
            assertRefused(guest, e, "the destination refused our certificate",
                    "'CN=source,O=pagehint test' is not in this destination's authorization list");
        }
    }

    @Test
    void aPlaintextSourceIsRefusedByATlsDestination() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls-plain-src", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 27))) {
            Ends e = migrate(guest, tlsIn(destinationCreds(ca, server)), MigrationOptions.builder().useHints(false).build());
            assertRefused(guest, e, "rejected the migration: this destination accepts only TLS",
                    "connected without TLS");
        }
    }

    @Test
    void aTlsSourceIsRefusedByAPlaintextDestination() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls-plain-dst", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 28))) {
            Ends e = migrate(guest, ReceiveOptions.defaults(), tls(sourceCreds(ca, client)));
            assertRefused(guest, e, "closed the connection in the TLS handshake", "started TLS; this destination has no TLS");
        }
    }

    @Test
    void aDestinationThatStallsTheHandshakeFailsTheSourceAtItsDeadline() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls-stall-dst", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 29));
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Migration out = harness.source.migrate(guest, new InetSocketAddress(silent.getInetAddress(), silent.getLocalPort()),
                    tls(sourceCreds(ca, client)).toBuilder().connectTimeout(SHORT).build(), null);
            // never accepted: the kernel completes the TCP handshake, and then nothing answers
            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).isEqualTo(MigrationPhase.FAILED);
            assertThat(src.failure()).contains("TLS handshake").contains("did not finish within 2000 ms").doesNotContain("\n");
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
            assertGuestKeepsRunning(guest);
        }
    }

    @Test
    void aSourceThatStallsTheHandshakeFailsTheDestinationAtItsDeadline() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls-stall-src", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming,
                    tlsIn(destinationCreds(ca, server)), null);
            try (Socket s = new Socket(in.address().getAddress(), in.address().getPort())) {
                OutputStream o = s.getOutputStream();
                o.write(new byte[] {0x16, 0x03, 0x01}); // the start of a ClientHello, and then nothing
                o.flush();
                MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
                assertThat(dst.outcome()).isEqualTo(MigrationPhase.FAILED);
                assertThat(dst.failure()).contains("TLS handshake with the source").contains("did not finish within 2000 ms");
            }
            assertThat(incoming.isAbandoned()).isTrue();
        }
    }

    @Test
    void aDestinationRefusesToListenOffLoopbackWithoutTlsUnlessAllowed() throws Exception {
        try (ToyGuest guest = new ToyGuest("tls-default", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            InetSocketAddress any = new InetSocketAddress("0.0.0.0", 0);
            assertThatThrownBy(() -> harness.destination.receive(any, new ToyIncomingVm(guest), null))
                    .isInstanceOf(IOException.class).hasMessageContaining("without TLS").hasMessageContaining("whole memory");
            IncomingMigration allowed = harness.destination.receive(any, new ToyIncomingVm(guest),
                    new ReceiveOptions(null, Set.of(), true), null);
            assertThat(allowed.address().getPort()).isPositive();
            allowed.cancel();
            IncomingMigration secured = harness.destination.receive(any, new ToyIncomingVm(guest),
                    tlsIn(destinationCreds(ca, server)), null);
            assertThat(secured.address().getPort()).isPositive();
            secured.cancel();
        }
    }

    @Test
    void unusableCredentialsAreOneLineNamingTheFile() throws Exception {
        Path creds = destinationCreds(ca, server);
        Leaf stranger = ca.issue("CN=stranger");
        Files.writeString(creds.resolve("server-key.pem"), Files.readString(
                TestCredentials.folder(tmp.resolve("stranger"), ca, stranger, null).resolve("server-key.pem")));
        try (ToyGuest guest = new ToyGuest("tls-creds", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            assertThatThrownBy(() -> harness.destination.receive(new InetSocketAddress("127.0.0.1", 0),
                    new ToyIncomingVm(guest), tlsIn(creds), null))
                    .hasMessageContaining("server-key.pem is not the key of").hasMessageContaining("server-cert.pem");
            Files.delete(creds.resolve("ca-cert.pem"));
            assertThatThrownBy(() -> harness.destination.receive(new InetSocketAddress("127.0.0.1", 0),
                    new ToyIncomingVm(guest), tlsIn(creds), null)).hasMessageContaining("ca-cert.pem is missing");
            // a source whose folder is unusable fails before it touches the guest
            Migration out = harness.source.migrate(guest, new InetSocketAddress("127.0.0.1", 9),
                    tls(tmp.resolve("no-such-folder")), null);
            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            assertThat(src.failure()).contains("no-such-folder does not exist");
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
        }
    }

    private static void assertRefused(ToyGuest guest, Ends e, String sourceSays, String destinationSays) throws Exception {
        assertThat(e.source().outcome()).isEqualTo(MigrationPhase.FAILED);
        assertThat(e.source().failure()).contains(sourceSays).doesNotContain("\n");
        assertThat(e.destination().outcome()).isEqualTo(MigrationPhase.FAILED);
        assertThat(e.destination().failure()).contains(destinationSays).doesNotContain("\n");
        assertThat(e.incoming().isAbandoned()).as("the destination discards what it has").isTrue();
        assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
        assertThat(guest.isPaused()).isFalse();
        assertGuestKeepsRunning(guest);
    }

    /** The guest's vCPUs still make progress: it was not left paused or throttled. */
    private static void assertGuestKeepsRunning(ToyGuest guest) throws InterruptedException {
        long before = guest.operations();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (guest.operations() == before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(guest.operations()).isGreaterThan(before);
    }
}
