package io.pagehint.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code pagehint.jar} as a process, as a user would. */
class PagehintJarIT {

    private static final Path JAR = Path.of(System.getProperty("pagehint.jar", "target/pagehint.jar"));

    @TempDir
    Path tmp;

    /** What one run of {@code java -jar pagehint.jar} did. */
    record Run(int exitCode, String out, String err) {
    }

    /**
     * Runs pagehint with {@code java.io.tmpdir} pointed at this test's own folder, so the framework
     * storage it leaves (or not) can be seen. Standard input stays open, as at a terminal, unless
     * {@code stdin} is given: then it is written and closed.
     */
    private Run pagehint(String stdin, List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp.getParent(), "pagehint-out", ".txt");
        Path err = Files.createTempFile(tmp.getParent(), "pagehint-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
                in.close();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("pagehint " + String.join(" ", args) + " did not end within 60 s; stderr: "
                        + Files.readString(err));
            }
        } catch (IOException closedEarly) {
            p.waitFor(60, TimeUnit.SECONDS);
        }
        try {
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    private Run pagehint(String... args) throws Exception {
        return pagehint(null, List.of(), args);
    }

    private static long bundlesInTheJar() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return jar.stream().filter(e -> e.getName().matches("bundles/\\d+-[^/]+/[^/]+\\.jar")).count();
        }
    }

    @Test
    void infoStartsEveryBundleAndLeavesNoFrameworkStorageBehind() throws Exception {
        Run run = pagehint("info");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("io.pagehint.api", "io.pagehint.runtime", "org.apache.felix.scr", "Tighteners (BitmapTightener)");
        assertThat(run.out().lines().filter(l -> l.matches("\\s+\\d+\\s+ACTIVE\\s.*")).count()).isEqualTo(bundlesInTheJar() + 1);
        // it ended although standard input stayed open: nothing waited on the console
        try (var left = Files.list(tmp)) {
            assertThat(left).as("framework storage left in java.io.tmpdir").isEmpty();
        }
    }

    @Test
    void infoAsJsonListsEveryBundleActiveAndEveryKindOfService() throws Exception {
        Run run = pagehint("info", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonObject info = JsonParser.parseString(run.out()).getAsJsonObject();
        JsonArray bundles = info.getAsJsonArray("bundles");
        assertThat(bundles.size()).isEqualTo(bundlesInTheJar() + 1);
        for (JsonElement b : bundles) {
            assertThat(b.getAsJsonObject().get("state").getAsString()).as(b.toString()).isEqualTo("ACTIVE");
        }
        assertThat(info.getAsJsonObject("services").keySet()).containsExactly("tighteners", "layoutProviders",
                "hintSources", "virtualMachines", "vmProvisioners", "migrationServices");
        assertThat(info.get("startLevel").getAsInt()).isEqualTo(3);
    }

    @Test
    void helpNamesTheCommands() throws Exception {
        Run run = pagehint("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("info", "layout", "shell");
    }

    @Test
    void aWrongCommandLineExitsWithTwo() throws Exception {
        Run run = pagehint("layout", "--machine", "q35", "--ram", "lots");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'lots' is not a size");
    }

    @Test
    void aMissingLayoutProviderIsReportedAfterTheWaitAndExitsWithOne() throws Exception {
        Run run = pagehint("--wait", "200ms", "layout", "--machine", "no-such-machine", "--ram", "1G");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no layout provider for no-such-machine (x86_64) appeared within 200ms");
    }

    @Test
    void aBundleLogLineShowsUpOnTheConsole() throws Exception {
        Run run = pagehint(null, List.of("-Dorg.slf4j.simpleLogger.log.io.pagehint=debug"), "info");

        assertThat(run.exitCode()).isZero();
        // printed by slf4j-simple inside the framework, found through SPI Fly
        assertThat(run.err()).contains("DEBUG io.pagehint.runtime.cli.PagehintCli - command line: pagehint info")
                .doesNotContain("No SLF4J providers were found");
    }

    @Test
    void theShellReadsCommandsFromStandardInputUntilItEnds() throws Exception {
        Run run = pagehint("pagehint:info --json\n", List.of(), "shell");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"symbolicName\": \"io.pagehint.runtime\"").contains("gosh: stopping shell");
    }
}
