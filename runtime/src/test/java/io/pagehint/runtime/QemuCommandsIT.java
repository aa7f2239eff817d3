package io.pagehint.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU commands' refusals, through the real pagehint.jar, without a QEMU: a QEMU guest goes to
 * the engine and is refused in one line (its QMP socket is never needed for that), and the
 * commands' wrong inputs are one line each.
 */
class QemuCommandsIT {

    private static final Path JAR = Path.of(System.getProperty("pagehint.jar", "target/pagehint.jar"));

    @TempDir
    Path tmp;

    private record Run(int exitCode, String out, String err) {
    }

    private Run pagehint(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("pagehint did not end within 60 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void migrateRefusesAQemuGuestInOneLineFromTheEngine() throws Exception {
        Path ram = tmp.resolve("guest.ram");
        try (RandomAccessFile f = new RandomAccessFile(ram.toFile(), "rw")) {
            f.setLength(512L << 20);
        }
        Run run = pagehint("migrate", "--to", "127.0.0.1:9", "--qemu-qmp", tmp.resolve("absent-qmp.sock").toString(),
                "--ram-file", ram.toString(), "--machine", "q35", "--ram", "512M");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("pagehint migrate: QEMU guests serve hint requests only: QEMU gives no dirty log to an outside process\n");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void qemuHintsAsksOverTheSerialChannelOnly() throws Exception {
        Run run = pagehint("qemu-hints", "--qemu-qmp", "q.sock", "--ram-file", "g.ram", "--machine", "q35", "--ram", "1G",
                "--channel", "virtio", "--channel-socket", "s.sock");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("pagehint qemu-hints: a QEMU guest is asked over the serial channel only").doesNotContain("\tat ");
    }

    @Test
    void linuxHintsWithoutABuildSaysWhatToRun() throws Exception {
        Run run = pagehint("linux-hints", "--guest-linux", tmp.resolve("nowhere").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("run guest-linux/build.sh").doesNotContain("\tat ");
    }
}
