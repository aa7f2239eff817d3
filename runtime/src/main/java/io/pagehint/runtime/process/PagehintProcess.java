package io.pagehint.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another {@code pagehint} process started by this one (a guest, a destination), as a user would
 * start it: the same java and the same jar. Its output goes to files in a work folder, so nothing
 * blocks on a full pipe and the logs stay for a post-mortem.
 */
public final class PagehintProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private PagehintProcess(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code java [jvmArgs] -jar pagehint.jar args...}, logging to {@code dir/name.out} and {@code .err}.
     *
     * @throws IllegalStateException when this process was not started from pagehint.jar
     */
    public static PagehintProcess start(Path dir, String name, List<String> jvmArgs, List<String> args) throws IOException {
        String jar = System.getProperty("pagehint.jar");
        if (jar == null) {
            throw new IllegalStateException("this command starts other pagehint processes and must run from pagehint.jar");
        }
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar);
        cmd.addAll(args);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new PagehintProcess(name, p, out, err);
    }

    /** {@code --arch A --machine M --ram BYTES -o k=v ...}: a machine as every pagehint command takes it. */
    public static List<String> machineArgs(io.pagehint.api.memory.MachineSpec machine) {
        List<String> args = new ArrayList<>(List.of("--arch", machine.arch(), "--machine", machine.machine(),
                "--ram", Long.toString(machine.ramBytes())));
        machine.options().forEach((k, v) -> args.addAll(List.of("-o", k + "=" + v)));
        return args;
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** The first match of {@code pattern} in its standard output, waiting up to {@code timeout}. */
    public Matcher awaitOutput(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        return await(out, pattern, timeout);
    }

    /** The first match of {@code pattern} in its standard error (logs, progress), waiting up to {@code timeout}. */
    public Matcher awaitErrors(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        return await(err, pattern, timeout);
    }

    private Matcher await(Path log, Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before printing " + pattern
                        + "; its errors: " + tail(err));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not print " + pattern + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /** Waits for it to exit; returns the exit code. */
    public int await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException(name + " did not exit within " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    public String output() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    public String errors() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** The last lines of a log, for error messages. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Ends it if it still runs: politely first, then not. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
