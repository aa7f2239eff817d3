package io.pagehint.itests;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.control.ControlClient;
import io.pagehint.guest.control.GuestStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A reference guest in its own OS process, as users run it ({@code java -jar pagehint.jar guest}),
 * with its RAM file, dirty log, control socket and the socket its serial hint driver connects to,
 * all in one folder. Closing asks it to quit and kills it if it does not.
 */
public final class ReferenceGuestProcess implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Process process;
    private final Path output;
    private final Path ramFile;
    private final Path dirtyLog;
    private final Path control;
    private final Path serialSocket;
    private ControlClient client;

    private ReferenceGuestProcess(Process process, Path output, Path ramFile, Path dirtyLog, Path control, Path serialSocket) {
        this.process = process;
        this.output = output;
        this.ramFile = ramFile;
        this.dirtyLog = dirtyLog;
        this.control = control;
        this.serialSocket = serialSocket;
    }

    /**
     * Starts {@code pagehint guest} for {@code machine} called {@code name} in {@code dir}, its RAM in
     * {@code ramFile}, its serial hint driver pointed at {@code <name>.serial}, with {@code guestArgs}
     * (workload, {@code --attach}, ...), and waits until its control socket answers.
     */
    public static ReferenceGuestProcess start(Path dir, String name, MachineSpec machine, Path ramFile, List<String> guestArgs)
            throws IOException, InterruptedException {
        String jar = System.getProperty("pagehint.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("pagehint.jar not found at " + jar + " (run the tests through Maven, after the runtime is packaged)");
        }
        Path dirtyLog = dir.resolve(name + ".dirty");
        Path control = dir.resolve(name + ".control");
        Path serial = dir.resolve(name + ".serial");
        Path output = dir.resolve(name + ".out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar, "guest",
                "--arch", machine.arch(), "--machine", machine.machine(), "--ram", Long.toString(machine.ramBytes()),
                "--ram-file", ramFile.toString(), "--dirty-log", dirtyLog.toString(), "--control", control.toString(),
                "--serial", serial.toString()));
        for (Map.Entry<String, String> o : machine.options().entrySet()) {
            cmd.addAll(List.of("-o", o.getKey() + "=" + o.getValue()));
        }
        cmd.addAll(guestArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        ReferenceGuestProcess guest = new ReferenceGuestProcess(p, output, ramFile, dirtyLog, control, serial);
        try {
            Conditions.await(TIMEOUT, name + "'s control socket", () -> Files.exists(control) || !p.isAlive(), guest::output);
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited: " + guest.output());
            }
            guest.client = ControlClient.connect(control);
            return guest;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            guest.close();
            throw e;
        }
    }

    /** Waits until every vCPU's workload has finished filling and freeing: the guest migrations start from. */
    public GuestStatus awaitIdle() throws InterruptedException {
        GuestStatus[] last = {null};
        Conditions.await(TIMEOUT, "the guest's workload to settle", () -> {
            try {
                last[0] = client.status(Duration.ofSeconds(10));
                return last[0].phases().stream().allMatch(ph -> ph.endsWith("idle"));
            } catch (IOException e) {
                return false;
            }
        }, () -> String.valueOf(last[0]));
        return last[0];
    }

    /** The configuration of its host adapter (factory pid {@code io.pagehint.guest.vm}) under id {@code vmId}. */
    public Map<String, Object> adapterConfiguration(String vmId, MachineSpec machine) {
        String[] options = machine.options().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                .toArray(String[]::new);
        return Map.of("vm.id", vmId, "arch", machine.arch(), "machine", machine.machine(),
                "ram.size", Long.toString(machine.ramBytes()), "machine.options", options, "ram.file", ramFile.toString(),
                "dirty.log.file", dirtyLog.toString(), "control.socket", control.toString());
    }

    /** The configuration of the host end of its serial hint channel (factory pid {@code io.pagehint.channel.serial}). */
    public Map<String, Object> serialChannelConfiguration(String vmId) {
        return Map.of("vm.id", vmId, "vm.target", "(vm.id=" + vmId + ")", "socket.path", serialSocket.toString());
    }

    public Path ramFile() {
        return ramFile;
    }

    /** What the process printed. */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Asks the guest to quit (a paused one too) and waits for its process to end; returns its exit code. */
    public int quit() throws IOException, InterruptedException {
        client.quit(Duration.ofSeconds(10));
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the guest did not end: " + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        try {
            if (client != null) {
                if (process.isAlive()) {
                    try {
                        client.quit(Duration.ofSeconds(5));
                    } catch (IOException e) {
                        // it is going anyway
                    }
                }
                client.close();
            }
        } catch (IOException e) {
            // closing a dead socket
        } finally {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
