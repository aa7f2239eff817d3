package io.pagehint.guest.driver;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.guest.kernel.BootOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A guest in its own OS process: the reference kernel booted on RAM files in a directory the test
 * (the host) chose, optionally fragmented, with one channel driver started through
 * {@link GuestDrivers}. The guest boots and says {@code BOOTED}; once the host has mapped the RAM
 * and opened its end it says {@code connect}, the guest starts its driver and says {@code STARTED};
 * it runs until its stdin closes.
 */
public final class GuestDriverProcess implements AutoCloseable {

    /** What the guest is. */
    public record Spec(String transport, Path endpoint, Path dir, long ramMiB, long belowMiB, BootOptions options,
                       double fragment, long seed) {

        public GuestMemoryLayout layout() {
            return GuestFixture.pc(ramMiB, belowMiB);
        }

        List<String> args() {
            return List.of(transport, endpoint.toString(), dir.toString(), Long.toString(ramMiB), Long.toString(belowMiB),
                    Boolean.toString(options.initOnAlloc()), Boolean.toString(options.pagePoison()), options.freeBitmap().name(),
                    Double.toString(fragment), Long.toString(seed));
        }

        static Spec parse(String[] a) {
            BootOptions o = new BootOptions(Boolean.parseBoolean(a[5]), false, Boolean.parseBoolean(a[6]),
                    BootOptions.FreeBitmapMode.valueOf(a[7]));
            return new Spec(a[0], Path.of(a[1]), Path.of(a[2]), Long.parseLong(a[3]), Long.parseLong(a[4]), o,
                    Double.parseDouble(a[8]), Long.parseLong(a[9]));
        }
    }

    private final Process process;
    private final BufferedReader out;
    private final Path log;

    private GuestDriverProcess(Process process, Path log) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.log = log;
    }

    /** Starts the guest process and waits until its kernel has booted (its RAM files exist). */
    public static GuestDriverProcess boot(Spec spec, Path log, Duration timeout) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), GuestDriverProcess.class.getName()));
        cmd.addAll(spec.args());
        GuestDriverProcess g = new GuestDriverProcess(new ProcessBuilder(cmd).redirectError(log.toFile()).start(), log);
        g.expect("BOOTED", timeout);
        return g;
    }

    /** Tells the guest to start its driver (the host end must be listening) and waits until it is connected. */
    public void startDriver(Duration timeout) throws IOException {
        process.getOutputStream().write("connect\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        expect("STARTED", timeout);
    }

    private void expect(String word, Duration timeout) {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String said = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!word.equals(said)) {
                throw new IllegalStateException("the guest process said " + said + " instead of " + word + "; see " + log);
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the guest process did not say " + word + " within " + timeout + "; see " + log, e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes the guest's stdin so it stops its driver, and makes sure the process is gone. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        Spec spec = Spec.parse(args);
        try (GuestFixture guest = GuestFixture.boot(spec.dir(), null, spec.layout(), spec.options())) {
            if (spec.fragment() > 0) {
                guest.fragment(spec.fragment(), spec.seed());
            }
            System.out.println("BOOTED");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"connect".equals(in.readLine())) {
                System.exit(0); // the host went away before the driver was wanted
            }
            try (GuestDriver driver = GuestDrivers.start(spec.transport(), spec.endpoint(), guest.kernel())) {
                System.out.println("STARTED");
                System.out.flush();
                while (in.read() >= 0) {
                    // runs until the host closes our stdin
                }
            }
        }
        System.exit(0);
    }
}
