package io.pagehint.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.process.DestinationRun;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's Karaf section, done by a test: a stock Apache Karaf 4.4 from Maven Central, started
 * headless with its own ports; the features repository added by its mvn: URL; the channels installed
 * first, without the reference guest (as beside a real VMM: no VirtualMachine yet); then everything;
 * {@code pagehint:layout}; and a reference guest that an operator configured in {@code etc/*.cfg}
 * migrated with hints, by one command, to a destination process that finds it whole.
 *
 * <p>mvn: URLs resolve from {@code karaf.repo} (the reactor's bundles and what they need, in
 * repository layout: {@code mvn verify} installs nothing), then Karaf's own system repository, then
 * the build's local repository; never from the network.
 */
class KarafFeaturesIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final MachineSpec MACHINE = new MachineSpec("x86_64", "q35", 256L << 20);
    private static final String VM = "karaf-guest";

    private final Path karaf = Path.of(System.getProperty("karaf.home"));
    private final String version = System.getProperty("pagehint.version");
    private Path dir;
    private int sshPort;
    private Process karafProcess;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-karaf-");
        Path repo = Path.of(System.getProperty("karaf.repo"));
        Path features = repo.resolve("io/pagehint/features/" + version + "/features-" + version + "-features.xml");
        Files.createDirectories(features.getParent());
        Files.copy(Path.of(System.getProperty("pagehint.features.file")), features, StandardCopyOption.REPLACE_EXISTING);

        // a fresh instance each run: no cache, no configuration from before
        deleteTree(karaf.resolve("data"));
        sshPort = freePort();
        Path etc = karaf.resolve("etc");
        setProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(sshPort));
        setProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", Integer.toString(freePort()));
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(freePort()));
        setProperty(etc.resolve("users.properties"), "karaf", "karaf,_g_:admingroup");
        setProperty(etc.resolve("users.properties"), "_g_\\:admingroup", "group,admin,manager,viewer,systembundles,ssh");
        Path mvn = etc.resolve("org.ops4j.pax.url.mvn.cfg");
        setProperty(mvn, "org.ops4j.pax.url.mvn.defaultRepositories", repo.toUri() + "@id=pagehint.reactor@snapshots, "
                + "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                + "${karaf.data.uri}kar@id=kar.repository@multi@snapshots");
        setProperty(mvn, "org.ops4j.pax.url.mvn.repositories", "");
        setProperty(mvn, "org.ops4j.pax.url.mvn.localRepository", System.getProperty("maven.repo.local"));
        setProperty(mvn, "org.ops4j.pax.url.mvn.offline", "true");
        Files.deleteIfExists(karaf.resolve("etc/io.pagehint.guest.vm-" + VM + ".cfg"));
        Files.deleteIfExists(karaf.resolve("etc/io.pagehint.channel.serial-" + VM + ".cfg"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (karafProcess != null) {
            stop(karafProcess);
        }
        deleteTree(dir);
    }

    @Test
    void aStockKarafInstallsTheFeaturesAndMigratesAConfiguredReferenceGuestWithHints() throws Exception {
        try (GuestRun guest = GuestRun.start(dir, VM, MACHINE, "serial",
                List.of("--workload", "used-then-freed", "--size", "192M"), List.of("-Xmx256m"));
             DestinationRun destination = DestinationRun.start(dir, "karaf-destination", MACHINE, List.of("-Xmx256m"))) {
            guest.awaitSettled(WAIT);

            // the operator's configuration, as files Karaf reads: the guest's host adapter and its hint port
            GuestFiles files = guest.files();
            writeConfig("io.pagehint.guest.vm-" + VM + ".cfg", files.adapterConfiguration());
            writeConfig("io.pagehint.channel.serial-" + VM + ".cfg", Map.of("vm.id", files.vmId(),
                    "vm.target", "(vm.id=" + files.vmId() + ")", "socket.path", guest.channelSocket().toString()));

            karafProcess = startKaraf();
            shell("feature:repo-add mvn:io.pagehint/features/" + version + "/xml/features");

            // the channels alone: no VirtualMachine exists, and they resolve and start all the same
            shell("feature:install pagehint-channels");
            assertThat(shell("bundle:list -s --no-format")).containsPattern("Active.*io\\.pagehint\\.channel");

            shell("feature:install pagehint");
            assertThat(shell("bundle:list -s --no-format"))
                    .containsPattern("Active.*io\\.pagehint\\.guest").containsPattern("Active.*io\\.pagehint\\.runtime");

            assertThat(shell("pagehint:layout --machine q35 --ram 8G")).contains("x86_64 q35: 8 GiB of RAM").contains("Guest-physical map");

            String out = shell("pagehint:migrate --vm " + files.vmId() + " --to 127.0.0.1:" + destination.address().getPort()
                    + " --json");
            JsonObject report = JsonParser.parseString(out.substring(out.indexOf('{'))).getAsJsonObject();
            assertThat(report.get("succeeded").getAsBoolean()).as(() -> out + postMortem(guest, destination)).isTrue();
            assertThat(report.getAsJsonObject("hints").get("transport").getAsString()).isEqualTo("virtio-serial");
            assertThat(report.get("pagesSkippedByHints").getAsLong()).as("hinted free pages skipped").isGreaterThan(10_000);

            DestinationRun.Result arrived = destination.await(WAIT);
            assertThat(arrived.exitCode()).as(() -> postMortem(guest, destination)).isZero();
            assertThat(arrived.report().getAsJsonObject("selfCheck").get("passed").getAsBoolean())
                    .as("the guest arrived whole").isTrue();

            // the migration's events, as Karaf's event collector (a boot feature) saw them through EventAdmin
            assertThat(shell("event:display")).contains("io/pagehint/migration/STARTED").contains("io/pagehint/migration/ENDED");
            assertThat(Files.readString(karaf.resolve("data/log/karaf.log"))).as("the engine's line in Karaf's log")
                    .containsPattern("migration \\S+ ended \\(source\\): completed, .* pages skipped by hints, downtime");
        }
    }

    /**
     * What the other three processes said, for a failure's message: a migration that fails in CI
     * must say why from the destination's and Karaf's side too, since their files are gone after it.
     */
    private String postMortem(GuestRun guest, DestinationRun destination) {
        StringBuilder b = new StringBuilder();
        Process d = destination.process().process();
        b.append("\n--- destination (").append(d.isAlive() ? "running" : "exited " + d.exitValue()).append("), its errors:\n");
        b.append(lastLines(() -> destination.process().errors(), 30));
        b.append("\n--- guest, its errors:\n").append(lastLines(() -> guest.process().errors(), 15));
        b.append("\n--- Karaf's log, pagehint's lines and warnings:\n").append(lastLines(() -> String.join("\n",
                Files.readAllLines(karaf.resolve("data/log/karaf.log")).stream()
                        .filter(l -> l.contains("pagehint") || l.contains("WARN") || l.contains("ERROR")).toList()), 40));
        return b.toString();
    }

    private interface Text {
        String read() throws IOException;
    }

    private static String lastLines(Text text, int n) {
        try {
            List<String> lines = text.read().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    // ------------------------------------------------------------------ Karaf

    private Process startKaraf() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", karaf.resolve("bin/karaf").toString(), "server")
                .directory(karaf.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("karaf.console").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_MAX_MEM", "512m");
        return pb.start();
    }

    /**
     * Runs one shell command through Karaf's own client (bin/client, over SSH) and returns what it
     * printed; waits for the shell to be up and for the command to exist.
     */
    private String shell(String command) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!karafProcess.isAlive()) {
                throw new AssertionError("Karaf stopped: " + Files.readString(dir.resolve("karaf.console")));
            }
            Path out = Files.createTempFile(dir, "client", ".txt");
            ProcessBuilder pb = new ProcessBuilder("bash", karaf.resolve("bin/client").toString(), "-a", Integer.toString(sshPort),
                    "-h", "127.0.0.1", "-u", "karaf", "-p", "karaf", "-r", "30", "-d", "1", "-b")
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process client = pb.start();
            // batch mode, the command on standard input: a command on the client's command line gets no
            // answer from Karaf 4.4.10's SSH server ("Closed")
            try (var in = client.getOutputStream()) {
                in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (!client.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                client.destroyForcibly();
                throw new AssertionError(command + ": no answer within " + WAIT.toSeconds() + " s");
            }
            last = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            boolean notYet = last.contains("Command not found") || last.contains("Connection refused")
                    || last.contains("Authentication failed") || last.contains("Failed to get the session");
            if (!notYet) {
                if (client.exitValue() != 0 || last.contains("Error executing command")) {
                    throw new AssertionError(command + " failed (exit " + client.exitValue() + "): " + last);
                }
                return last;
            }
            Thread.sleep(1000); // the shell is not up yet: Karaf's client has no other way to say so
        }
        throw new AssertionError(command + ": Karaf's shell not ready within " + WAIT.toSeconds() + " s: " + last);
    }

    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        p.destroy();
        all.forEach(ProcessHandle::destroy);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        all.forEach(ProcessHandle::destroyForcibly);
    }

    private void writeConfig(String name, Map<String, Object> properties) throws IOException {
        StringBuilder b = new StringBuilder();
        properties.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Object v = e.getValue();
            if (v instanceof String[] a) {
                if (a.length == 0) {
                    return; // the component's default; a .cfg file has no empty list
                }
                v = String.join(",", a);
            }
            b.append(e.getKey()).append(" = ").append(String.valueOf(v).replace("\\", "\\\\")).append('\n');
        });
        Files.writeString(karaf.resolve("etc").resolve(name), b.toString());
    }

    // ------------------------------------------------------------------ files

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Sets {@code key = value} in a properties file: every line that sets it, or comments it out,
     * goes (with its continuation lines), and the setting is appended. Running it again changes nothing more.
     */
    private static void setProperty(Path file, String key, String value) throws IOException {
        List<String> out = new ArrayList<>();
        boolean continuation = false;
        for (String l : Files.readAllLines(file)) {
            boolean drop = continuation;
            String bare = l.trim().replaceFirst("^#\\s*", "");
            if (!continuation && bare.matches(java.util.regex.Pattern.quote(key) + "\\s*[=:].*")) {
                drop = true;
            }
            continuation = drop && l.endsWith("\\");
            if (!drop) {
                out.add(l);
            }
        }
        out.add(key + " = " + value);
        Files.write(file, out);
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
