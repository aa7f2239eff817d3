package io.pagehint.qemu.launch;

import io.pagehint.qemu.qmp.QmpClient;
import io.pagehint.qemu.qmp.QmpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux guest booted under QEMU by pagehint, in a private work folder under /dev/shm: its RAM
 * file ({@code memory-backend-file,share=on}), the QMP socket for the VM adapter and a second one
 * for this launcher, and the guest's console (ttyS0 on QEMU's stdout) kept line by line. The
 * guest's virtio-serial port {@code org.pagehint.0} connects to the host end's socket.
 *
 * <p>{@link #close()} quits QEMU (QMP {@code quit}, then the process is killed if it lingers) and
 * removes the work folder; a shutdown hook does the same if the JVM ends first (Ctrl-C). One
 * class serves {@code pagehint linux-hints} and the Linux-guest integration test.
 */
public final class QemuGuest implements AutoCloseable {

    /** Where the work folder goes: RAM in tmpfs, as QEMU's own shared RAM would be. */
    public static final Path SHM = Path.of("/dev/shm");
    /** Console lines kept (a boot prints a few hundred). */
    private static final int MAX_LINES = 20_000;

    private final LinuxGuestSpec spec;
    private final Path work;
    private final Path ramFile;
    private final Path qmpSocket;
    private final Path launcherQmp;
    private final Path serialSocket;
    private final Consumer<String> echo;
    private final List<String> console = new ArrayList<>();
    private final Thread hook;
    private volatile Process process;
    private volatile long startedNanos;
    private QmpClient qmp;
    private boolean closed;

    private QemuGuest(LinuxGuestSpec spec, Path work, Path serialSocket, Consumer<String> echo) throws IOException {
        this.spec = spec;
        this.work = work;
        this.ramFile = work.resolve("ram");
        this.qmpSocket = work.resolve("qmp.sock");
        this.launcherQmp = work.resolve("launcher-qmp.sock");
        // the file exists at its full size (sparse) before QEMU starts, so the VM adapter can open it at once
        // a relative socket path is a name in the work folder, removed with it
        this.serialSocket = serialSocket == null ? null : work.resolve(serialSocket);
        this.echo = echo;
        try (RandomAccessFile f = new RandomAccessFile(ramFile.toFile(), "rw")) {
            f.setLength(spec.ramBytes());
        }
        // the JVM may be ending because its OSGi framework is (Ctrl-C): the hook must not need QMP,
        // gson or any class a stopping bundle would still have to load; it ends QEMU by signal
        this.hook = new Thread(this::kill, "pagehint-qemu-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts QEMU and waits until it answers on QMP. The serial socket must be listening by then:
     * QEMU connects its chardev at start and gives up if nothing is there.
     */
    public synchronized void start() throws IOException {
        if (process != null || closed) {
            throw new IllegalStateException("QEMU was started already");
        }
        awaitSerialSocket(Duration.ofSeconds(30));
        // TCG unless asked: a /dev/kvm that opens is not one that runs guests (in a sandbox it hangs them)
        boolean kvm = "kvm".equals(System.getProperty("pagehint.qemu.accel", "tcg"));
        ProcessBuilder pb = new ProcessBuilder(spec.qemuArguments(ramFile, qmpSocket, launcherQmp, serialSocket, kvm))
                .directory(work.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start qemu-system-x86_64 (install the Debian package qemu-system-x86): " + e.getMessage());
        }
        startedNanos = System.nanoTime();
        Thread reader = new Thread(() -> readConsole(echo), "pagehint-qemu-console");
        reader.setDaemon(true);
        reader.start();
        awaitQmp(Duration.ofSeconds(30));
    }

    /**
     * Boots {@code spec} in a new private folder under {@link #SHM}.
     *
     * @param serialSocket where pagehint's host end of the serial channel listens (null: no port)
     * @param echo         gets every console line as it comes (may be null)
     */
    public static QemuGuest boot(LinuxGuestSpec spec, Path serialSocket, Consumer<String> echo) throws IOException {
        QemuGuest g = create(spec, serialSocket, echo);
        try {
            g.start();
            return g;
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /**
     * Makes the private folder and the guest's RAM file (full size, sparse) without starting
     * QEMU, so that the VM adapter and the serial host end can be set up first; {@link #start()}
     * boots it. {@link #close()} removes the folder either way.
     */
    public static QemuGuest create(LinuxGuestSpec spec, Path serialSocket, Consumer<String> echo) throws IOException {
        for (Path p : List.of(spec.kernel(), spec.initrd())) {
            if (!Files.isReadable(p)) {
                throw new IOException("cannot read " + p + (p.equals(spec.initrd()) ? " (run guest-linux/build.sh)" : ""));
            }
        }
        Path work = Files.createTempDirectory(SHM, "pagehint-qemu-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            return new QemuGuest(spec, work, serialSocket, echo);
        } catch (IOException | RuntimeException e) {
            deleteTree(work);
            throw e;
        }
    }

    /** Waits until the host end's socket is there (a host end set up through configuration binds it a moment later). */
    private void awaitSerialSocket(Duration deadline) throws IOException {
        if (serialSocket == null) {
            return;
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (!Files.exists(serialSocket)) {
            if (System.nanoTime() > end) {
                throw new IOException("pagehint's serial host end did not listen on " + serialSocket + " within " + deadline.toSeconds() + " s");
            }
            try {
                Thread.sleep(20); // a socket file to appear: nothing to wait on instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + serialSocket);
            }
        }
    }

    /** Waits until QEMU answers on its QMP sockets (it creates them a moment after it starts). */
    private void awaitQmp(Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("QEMU ended at once (exit " + process.exitValue() + "): " + tail(4));
            }
            if (Files.exists(launcherQmp) && Files.exists(qmpSocket)) {
                try {
                    qmp();
                    return;
                } catch (QmpException e) {
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                }
            } else if (System.nanoTime() > end) {
                throw new IOException("QEMU made no QMP socket within " + deadline.toSeconds() + " s: " + tail(4));
            }
            try {
                Thread.sleep(20); // polling for a socket file QEMU creates; nothing to wait on instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while QEMU started");
            }
        }
    }

    /** A fresh private folder under {@link #SHM} for sockets that must exist before the guest boots. */
    public static Path privateFolder(String prefix) throws IOException {
        return Files.createTempDirectory(SHM, prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    public LinuxGuestSpec spec() {
        return spec;
    }

    /** The guest's RAM: the mem-path of its memory-backend-file. */
    public Path ramFile() {
        return ramFile;
    }

    /** The QMP socket for the VM adapter (the launcher keeps another for itself). */
    public Path qmpSocket() {
        return qmpSocket;
    }

    /** Where the guest's serial chardev connects (null: no port). */
    public Path serialSocket() {
        return serialSocket;
    }

    public Path workFolder() {
        return work;
    }

    /** The launcher's own QMP connection (quit, and what tests ask directly). */
    public synchronized QmpClient qmp() throws QmpException {
        if (qmp == null || !qmp.isOpen()) {
            qmp = QmpClient.connect(launcherQmp, Duration.ofSeconds(10));
        }
        return qmp;
    }

    /** How many console lines there are so far: a mark to wait for lines after. */
    public int consoleMark() {
        synchronized (console) {
            return console.size();
        }
    }

    /** The console so far. */
    public List<String> console() {
        synchronized (console) {
            return List.copyOf(console);
        }
    }

    /**
     * Waits for a console line at or after {@code mark} that {@code pattern} finds, and returns
     * its match.
     *
     * @throws IOException if QEMU exits or the deadline passes first (the message names the
     *                     deadline and quotes the console's last lines)
     */
    public Matcher awaitConsole(int mark, Pattern pattern, Duration deadline, String what) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int next = mark;
        synchronized (console) {
            while (true) {
                for (; next < console.size(); next++) {
                    Matcher m = pattern.matcher(console.get(next));
                    if (m.find()) {
                        return m;
                    }
                }
                if (!process.isAlive()) {
                    throw new IOException("QEMU ended (exit " + process.exitValue() + ") before " + what + "; console: " + tail(6));
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no " + what + " within " + deadline.toSeconds() + " s of waiting; console: " + tail(6));
                }
                console.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
            }
        }
    }

    /** Time since QEMU was started. */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    private String tail(int n) {
        synchronized (console) {
            return tailLocked(n);
        }
    }

    private String tailLocked(int n) {
        List<String> lines = console.subList(Math.max(0, console.size() - n), console.size());
        return lines.isEmpty() ? "(nothing)" : String.join(" | ", lines);
    }

    private void readConsole(Consumer<String> echo) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String clean = line.replace("\r", "");
                if (echo != null) {
                    echo.accept(clean);
                }
                synchronized (console) {
                    if (console.size() < MAX_LINES) {
                        console.add(clean);
                    }
                    console.notifyAll();
                }
            }
        } catch (IOException e) {
            // QEMU went away
        } finally {
            synchronized (console) {
                console.notifyAll();
            }
        }
    }

    /** Quits QEMU (QMP quit, then kill) and removes the work folder with the RAM file. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Process process = this.process;
        try {
            if (process != null && process.isAlive()) {
                try {
                    qmp().execute("quit", null);
                } catch (QmpException e) {
                    // it is killed below
                }
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                if (qmp != null) {
                    qmp.close();
                }
            }
            deleteTree(work);
            if (Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down
                }
            }
        }
    }

    /** At JVM exit: QEMU ends on SIGTERM (then SIGKILL), and the work folder goes. JDK classes only. */
    private void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        deleteTree(work);
    }

    /** Removes a folder and what is in it; what cannot be removed is left (it is in tmpfs). */
    public static void deleteTree(Path folder) {
        java.io.File[] children = folder.toFile().listFiles();
        if (children != null) {
            for (java.io.File c : children) {
                if (c.isDirectory() && !Files.isSymbolicLink(c.toPath())) {
                    deleteTree(c.toPath());
                } else {
                    c.delete();
                }
            }
        }
        folder.toFile().delete();
    }
}
