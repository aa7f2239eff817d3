package io.pagehint.guest.driver;

import static io.pagehint.channel.testing.Layouts.MiB;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.SharedGuestRam;
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
 * A guest in its own OS process: a {@link FakeKernel} over guest RAM mapped from a shared file,
 * with one channel driver started through {@link GuestDrivers}. The test process is the host. The
 * guest prints {@code STARTED} once its driver is connected and runs until its stdin closes.
 */
public final class GuestDriverProcess implements AutoCloseable {

    /** What the guest looks like; the host computes the same free pages from the same values. */
    public record Spec(String transport, Path endpoint, Path ramFile, long belowMiB, long aboveMiB, long seed,
                       double usedFraction, boolean initOnAlloc, Integer poison) {

        public GuestMemoryLayout layout() {
            return Layouts.withHole(belowMiB * MiB, aboveMiB * MiB);
        }

        List<String> args() {
            return List.of(transport, endpoint.toString(), ramFile == null ? "-" : ramFile.toString(), Long.toString(belowMiB),
                    Long.toString(aboveMiB), Long.toString(seed), Double.toString(usedFraction), Boolean.toString(initOnAlloc),
                    poison == null ? "-" : Integer.toString(poison));
        }

        static Spec parse(String[] a) {
            return new Spec(a[0], Path.of(a[1]), a[2].equals("-") ? null : Path.of(a[2]), Long.parseLong(a[3]), Long.parseLong(a[4]),
                    Long.parseLong(a[5]), Double.parseDouble(a[6]), Boolean.parseBoolean(a[7]), a[8].equals("-") ? null : Integer.valueOf(a[8]));
        }
    }

    private final Process process;

    private GuestDriverProcess(Process process) {
        this.process = process;
    }

    /** Starts the guest process and waits until its driver is connected. */
    public static GuestDriverProcess start(Spec spec, Path log, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), GuestDriverProcess.class.getName()));
        cmd.addAll(spec.args());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        GuestDriverProcess g = new GuestDriverProcess(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String first = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!"STARTED".equals(first)) {
                throw new IllegalStateException("guest process did not start (said " + first + "); see " + log);
            }
        } catch (Exception e) {
            g.close();
            throw new IllegalStateException("guest process did not start within " + timeout + "; see " + log, e);
        }
        return g;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes the guest's stdin so it shuts its driver down, then makes sure the process is gone. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    public static void main(String[] args) throws Exception {
        Spec spec = Spec.parse(args);
        GuestMemoryLayout layout = spec.layout();
        DeviceMemory memory = spec.ramFile() == null ? null : SharedGuestRam.map(spec.ramFile(), layout);
        FakeKernel kernel = new FakeKernel(layout, memory, FakeKernel.freePattern(layout, spec.seed(), spec.usedFraction()),
                spec.initOnAlloc(), spec.poison());
        try (GuestDriver driver = GuestDrivers.start(spec.transport(), spec.endpoint(), kernel)) {
            System.out.println("STARTED");
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the host test closes our stdin
            }
        }
        System.exit(0);
    }

}
