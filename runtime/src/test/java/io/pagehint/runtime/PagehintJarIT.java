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

    /** A pagehint process under way: its console files and its standard input, still open. */
    private record Started(Process process, Path out, Path err, OutputStream stdin, String commandLine) {
    }

    /**
     * Starts pagehint with {@code java.io.tmpdir} pointed at this test's own folder, so the framework
     * storage it leaves (or not) can be seen. Standard input stays open, as at a terminal, unless
     * {@code stdin} is given: then it is written and closed.
     */
    private Started start(String stdin, List<String> jvmOptions, String... args) throws IOException {
        return start(List.of(), stdin, jvmOptions, args);
    }

    /** As {@link #start(String, List, String...)}, the java command run by {@code wrapper} (which ends with exec "$@"). */
    private Started start(List<String> wrapper, String stdin, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp.getParent(), "pagehint-out", ".txt");
        Path err = Files.createTempFile(tmp.getParent(), "pagehint-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        OutputStream in = p.getOutputStream();
        if (stdin != null) {
            try (in) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException endedBeforeReading) {
                // what it printed says why
            }
        }
        return new Started(p, out, err, in, String.join(" ", args));
    }

    /** Waits for the process to end (60 s at most), closes its standard input, and deletes its console files. */
    private static Run finish(Started s) throws Exception {
        try (OutputStream in = s.stdin()) {
            if (!s.process().waitFor(60, TimeUnit.SECONDS)) {
                s.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("pagehint " + s.commandLine() + " did not end within 60 s; stderr: "
                        + Files.readString(s.err()));
            }
            return new Run(s.process().exitValue(), Files.readString(s.out()), Files.readString(s.err()));
        } finally {
            Files.delete(s.out());
            Files.delete(s.err());
        }
    }

    private Run pagehint(String stdin, List<String> jvmOptions, String... args) throws Exception {
        return finish(start(stdin, jvmOptions, args));
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
    void runtimesSideBySideEachHaveTheirOwnFrameworkStorage() throws Exception {
        // a source, a guest and a destination runtime run at once on one machine
        Started first = start(null, List.of(), "info");
        Started second = start(null, List.of(), "info");

        for (Run run : List.of(finish(first), finish(second))) {
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("io.pagehint.runtime");
        }
        try (var left = Files.list(tmp)) {
            assertThat(left).as("framework storage left in java.io.tmpdir").isEmpty();
        }
    }

    @Test
    void infoAsJsonListsEveryBundleActiveAndTheServicesWithTheirProperties() throws Exception {
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

        // one tightener per layout provider, registered by the tighten bundle with the provider's properties
        JsonArray tighteners = info.getAsJsonObject("services").getAsJsonArray("tighteners");
        assertThat(tighteners).extracting(t -> t.getAsJsonObject().get("bundle").getAsString())
                .containsExactly("io.pagehint.tighten", "io.pagehint.tighten");
        assertThat(tighteners).extracting(t -> t.getAsJsonObject().getAsJsonObject("properties").get("pagehint.arch").getAsString())
                .containsExactlyInAnyOrder("x86_64", "aarch64");
        for (JsonElement t : tighteners) {
            JsonObject props = t.getAsJsonObject().getAsJsonObject("properties");
            if (props.get("pagehint.arch").getAsString().equals("x86_64")) {
                assertThat(props.getAsJsonArray("pagehint.machine")).extracting(JsonElement::getAsString).contains("pc", "q35");
            } else {
                assertThat(props.get("pagehint.machine").getAsString()).isEqualTo("virt");
            }
        }
    }

    @Test
    void layoutPrintsTheQ35MapFromTheX86Provider() throws Exception {
        Run run = pagehint("layout", "--machine", "q35", "--ram", "8G");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // q35 puts 2 GiB below the PCI hole and the other 6 GiB from 4 GiB up, in one block
        assertThat(run.out())
                .containsPattern("0x0000000000100000  0x0000000080000000 +2047 MiB  ram +pc.ram \\+0x100000")
                .containsPattern("0x0000000100000000  0x0000000280000000 +6 GiB  ram +pc.ram \\+0x80000000")
                .containsPattern("0 +pc.ram +8 GiB +4 KiB");
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
        assertThat(run.err()).contains("no layout provider for machine type no-such-machine appeared within 200ms");
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

    /** Waits until the shell of {@code s} has answered a command: the framework has started, and its storage is written. */
    private static void awaitShellAnswer(Started s) throws Exception {
        s.stdin().write("pagehint:info --json\n".getBytes(StandardCharsets.UTF_8));
        s.stdin().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(s.out()).contains("\"symbolicName\"")) {
            if (System.nanoTime() > deadline || !s.process().isAlive()) {
                throw new AssertionError("the shell did not answer; stderr: " + Files.readString(s.err()));
            }
            Thread.sleep(50); // polling a file another process writes; the deadline bounds it
        }
    }

    private Path theOnlyStorage() throws IOException {
        try (var found = Files.list(tmp)) {
            List<Path> dirs = found.filter(p -> p.getFileName().toString().startsWith("pagehint-felix-")).toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0);
        }
    }

    @Test
    void theFrameworkStorageIsOwnerOnlyUnderAnOpenUmask() throws Exception {
        Started shell = start(List.of("sh", "-c", "umask 000 && exec \"$@\"", "sh"), null, List.of(), "shell");
        try {
            awaitShellAnswer(shell);
            Path storage = theOnlyStorage();
            List<String> open = new ArrayList<>();
            try (var tree = Files.walk(storage)) {
                tree.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
                    try {
                        String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                        if (!mode.endsWith("------")) {
                            open.add(mode + " " + storage.relativize(p));
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            assertThat(open).as("group or other bits under %s", storage).isEmpty();
            assertThat(Files.walk(storage).filter(p -> p.toString().endsWith(".jar")).count()).as("bundle jars were cached").isPositive();
        } finally {
            shell.stdin().close();
        }
        assertThat(finish(shell).exitCode()).isZero();
    }

    @Test
    void theStorageOfAKilledRuntimeIsDeletedByTheNextStartAndALiveOnesIsKept() throws Exception {
        Started shell = start(null, List.of(), "shell");
        awaitShellAnswer(shell);
        Path killed = theOnlyStorage();
        shell.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        finish(shell);
        assertThat(killed).as("SIGKILL runs no shutdown hook").exists();
        Path live = Files.createDirectory(tmp.resolve("pagehint-felix-" + ProcessHandle.current().pid() + "-alive"));

        Run run = pagehint("info");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(killed).as("left by a process that is gone").doesNotExist();
        assertThat(live).as("its process is alive").exists();
        Files.delete(live);
    }

    @Test
    void theShellKeepsNothingPerCommandTyped() throws Exception {
        // Gogo's own console kept about 100 KB per line until the shell ended: 3,000 lines then need
        // far more than this heap; each line freed when it ends needs next to nothing
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            lines.append("echo line").append(i).append('\n');
        }
        Run run = pagehint(lines.toString(), List.of("-Xmx32m"), "shell");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("line3000").contains("gosh: stopping shell");
        assertThat(run.err()).doesNotContain("OutOfMemoryError");
    }
}
