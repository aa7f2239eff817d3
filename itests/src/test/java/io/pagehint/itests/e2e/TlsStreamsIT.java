package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 as a user runs it, in the merged runtime (BouncyCastle resolved into its bundle set):
 * a hinted migration over TLS 1.3 with mutual authentication and two streams, with credentials
 * made by OpenSSL as the README says, arrives whole, with one migration id at both ends; a source
 * whose subject the destination's --tls-authz does not list is refused and its guest runs on.
 */
class TlsStreamsIT {

    private Migrations migrations;
    private Path src;
    private Path dst;
    private Path authz;

    @BeforeEach
    void credentials() throws Exception {
        migrations = new Migrations();
        Path tls = Files.createDirectories(migrations.dir.resolve("tls"));
        src = Files.createDirectories(tls.resolve("src"));
        dst = Files.createDirectories(tls.resolve("dst"));
        // the README's recipe ("Between hosts"), EC P-256
        openssl(tls, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/O=example/CN=migration CA", "-keyout", "ca-key.pem", "-out", "ca-cert.pem");
        leaf(tls, "/O=example/CN=desthost", "dst/server-key.pem", "server.csr", "dst/server-cert.pem");
        leaf(tls, "/O=example/CN=srchost", "src/client-key.pem", "client.csr", "src/client-cert.pem");
        Files.copy(tls.resolve("ca-cert.pem"), src.resolve("ca-cert.pem"));
        Files.copy(tls.resolve("ca-cert.pem"), dst.resolve("ca-cert.pem"));
        authz = Files.writeString(tls.resolve("authz"), "# the source host\nCN=srchost,O=example\n");
    }

    @AfterEach
    void cleanUp() throws IOException {
        migrations.close();
    }

    private static void leaf(Path tls, String subject, String key, String csr, String cert) throws Exception {
        openssl(tls, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", subject,
                "-keyout", key, "-out", csr);
        openssl(tls, "x509", "-req", "-in", csr, "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "1",
                "-out", cert);
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl " + String.join(" ", args)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void aHintedMigrationOverTlsWithTwoStreamsArrivesWholeWithOneIdAtBothEnds() throws Exception {
        Migrations.Outcome o = migrations.migrate("tls2", Migrations.SMALL_Q35, "serial", true,
                List.of("--workload", "used-then-freed", "--size", "96M", "--vcpus", "2", "--seed", "7"),
                List.of("--tls-creds", src.toString(), "--streams", "2"), List.of(), true,
                List.of("--tls-creds", dst.toString(), "--tls-authz", authz.toString()));

        assertThat(o.sourceExit()).as(o.logs()).isZero();
        assertThat(o.destinationExit()).as(o.logs()).isZero();
        assertThat(o.destinationCheckPassed()).as(String.valueOf(o.destination())).isTrue();
        assertThat(o.skippedByHints()).as("a guest that freed most of its memory hints it").isGreaterThan(10_000);
        assertThat(o.destination().get("migrationId").getAsString()).isEqualTo(o.source().get("migrationId").getAsString());
    }

    @Test
    void aSourceTheAuthorizationListDoesNotNameIsRefusedAndItsGuestRuns() throws Exception {
        Files.writeString(authz, "CN=someone else,O=example\n");
        Migrations.Outcome o = migrations.migrate("tls-refused", Migrations.SMALL_Q35, "none", true,
                List.of("--workload", "idle"), List.of("--tls-creds", src.toString(), "--streams", "2"), List.of(), true,
                List.of("--tls-creds", dst.toString(), "--tls-authz", authz.toString()));

        assertThat(o.sourceExit()).as(o.logs()).isEqualTo(1);
        assertThat(o.source().get("outcome").getAsString()).isEqualTo("failed");
        assertThat(o.source().get("failure").getAsString()).as(o.logs()).contains("refused our certificate");
        assertThat(o.logs()).as("the destination says why").contains("is not in this destination's authorization list");
        assertThat(o.logs()).doesNotContain("\tat ");
    }
}
