package io.pagehint.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The options and the usage-error wrapper the commands share, each declared once. */
class SharedOptionsTest {

    @TempDir
    Path dir;

    @Test
    void aWrongValueBecomesAUsageErrorOfItsOneLine() {
        assertThat(CliException.usageIfIllegal(() -> "fine")).isEqualTo("fine");
        assertThatThrownBy(() -> CliException.usageIfIllegal(() -> {
            throw new IllegalArgumentException("no hint channel called x (serial, virtio or none)");
        })).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(PagehintCli.EXIT_USAGE);
            assertThat(e.getMessage()).isEqualTo("no hint channel called x (serial, virtio or none)");
        });
        // anything else is not the user's mistake and is not dressed up as one
        assertThatThrownBy(() -> CliException.usageIfIllegal(() -> {
            throw new IllegalStateException("a bug");
        })).isExactlyInstanceOf(IllegalStateException.class);
    }

    @Command(name = "both-ends")
    static final class TwoMixins {
        @Mixin
        TlsCredentialsOption tls;
        @Mixin
        JsonOption json;
        @Mixin
        DropCacheOption dropCache;
        @Mixin
        MachineOptions machine;
    }

    private static TwoMixins parse(String... args) {
        TwoMixins c = new TwoMixins();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void tlsCredentialsMustBeAFolderAndTheErrorNamesThisEndsFiles() throws Exception {
        Path file = Files.createFile(dir.resolve("creds"));

        assertThat(parse().tls.folder("client")).isNull();
        assertThat(parse("--tls-creds", dir.toString()).tls.folder("server")).isEqualTo(dir);
        assertThatThrownBy(() -> parse("--tls-creds", file.toString()).tls.folder("server"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(PagehintCli.EXIT_USAGE))
                .hasMessage("--tls-creds " + file + " is not a folder (ca-cert.pem, server-cert.pem, server-key.pem)");
        assertThatThrownBy(() -> parse("--tls-creds", file.toString()).tls.folder("client"))
                .hasMessage("--tls-creds " + file + " is not a folder (ca-cert.pem, client-cert.pem, client-key.pem)");
    }

    @Test
    void theMixedInOptionsParse() {
        TwoMixins c = parse("--json", "--drop-cache", "--arch", "x86_64", "-o", "max-ram-below-4g=2G");
        assertThat(c.json.json()).isTrue();
        assertThat(c.dropCache.dropCache()).isTrue();
        assertThat(c.machine.given()).isTrue();
        assertThat(parse().machine.given()).isFalse();
        assertThat(parse().json.json()).isFalse();
    }
}
