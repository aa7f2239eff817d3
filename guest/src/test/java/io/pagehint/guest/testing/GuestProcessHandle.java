package io.pagehint.guest.testing;

import io.pagehint.api.testing.Await;
import io.pagehint.reference.control.ControlClient;
import io.pagehint.reference.control.GuestStatus;
import io.pagehint.reference.testing.ShmDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A reference guest running as a separate JVM ({@link TestGuestMain}), with its files in a private
 * /dev/shm directory and its control socket connected. Closing it asks the guest to quit, waits
 * for the process, kills it if it does not end, and deletes the files.
 */
public final class GuestProcessHandle implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ShmDir dir;
    private final Path log;
    /** {@code --machine} and, for another architecture, {@code --arch} and {@code -o} machine options. */
    private final List<String> machine;
    private final String ram;
    private Process process;
    private ControlClient control;

    private GuestProcessHandle(ShmDir dir, List<String> machine, String ram) {
        this.dir = dir;
        this.log = dir.resolve("guest.log");
        this.machine = machine;
        this.ram = ram;
    }

    /**
     * Starts {@code TestGuestMain guest --machine q35 --ram <ram> ... <extra>} and waits until its
     * control socket answers.
     */
    public static GuestProcessHandle start(String ram, String... extra) {
        return start(List.of("--machine", "q35"), ram, extra);
    }

    /**
     * Starts {@code TestGuestMain guest <machine> --ram <ram> ... <extra>}, where {@code machine} names
     * the machine as the command line does ({@code --arch aarch64 --machine virt -o guest-page-size=64K}),
     * and waits until its control socket answers.
     */
    public static GuestProcessHandle start(List<String> machine, String ram, String... extra) {
        GuestProcessHandle h = new GuestProcessHandle(new ShmDir(), List.copyOf(machine), ram);
        try {
            h.launch(extra);
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * Once the guest process has ended: starts another guest process on the same files, with
     * {@code extra} options ({@code --attach} to take up the RAM the first one left).
     */
    public void relaunch(String... extra) throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("the guest still runs");
        }
        control.close();
        control = null;
        launch(extra);
    }

    private void launch(String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add(TestGuestMain.class.getName());
        cmd.add("guest");
        cmd.addAll(machine);
        cmd.addAll(List.of("--ram", ram,
                "--ram-file", ramFile().toString(), "--dirty-log", dirtyLog().toString(),
                "--control", controlSocket().toString()));
        cmd.addAll(List.of(extra));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitControl();
    }

    /** {@code java} with this JVM's class path and a small heap. */
    public static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"));
    }

    private void awaitControl() throws IOException {
        Path sock = controlSocket();
        waitFor(() -> Files.exists(sock) || !process.isAlive(), "the guest's control socket");
        if (!process.isAlive()) {
            throw new IllegalStateException("the guest process died:\n" + log());
        }
        control = ControlClient.connect(sock);
    }

    public Path ramFile() {
        return dir.resolve("ram");
    }

    public Path dirtyLog() {
        return dir.resolve("dirty-log");
    }

    public Path controlSocket() {
        return dir.resolve("control.sock");
    }

    public ShmDir dir() {
        return dir;
    }

    public Process process() {
        return process;
    }

    public ControlClient control() {
        return control;
    }

    public GuestStatus status() throws IOException {
        return control.status(TIMEOUT);
    }

    /** Runs {@code TestGuestMain check} on this guest's RAM file as another process; returns its exit code and output. */
    public CheckRun check(String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add(TestGuestMain.class.getName());
        cmd.add("check");
        cmd.addAll(machine);
        cmd.addAll(List.of("--ram", ram, "--ram-file", ramFile().toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("guest-check did not end");
        }
        return new CheckRun(p.exitValue(), out);
    }

    /** The exit code and output of a check process. */
    public record CheckRun(int exitCode, String output) {
    }

    /** What the guest process printed so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@link Await#until} with the guest process's {@link #TIMEOUT}. */
    public static void waitFor(BooleanSupplier condition, String what) {
        Await.until(TIMEOUT, what, condition);
    }

    /** Asks the guest to quit and waits for the process to end; returns its exit code. */
    public int quit() throws IOException, InterruptedException {
        control.quit(TIMEOUT);
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the guest did not quit:\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive() && control != null) {
                try {
                    control.quit(Duration.ofSeconds(10));
                } catch (IOException ignored) {
                    // already gone or stuck: killed below
                }
                process.waitFor(30, TimeUnit.SECONDS);
            }
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            if (control != null) {
                control.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            dir.close();
        }
    }
}
