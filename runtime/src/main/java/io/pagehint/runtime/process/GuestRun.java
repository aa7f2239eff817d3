package io.pagehint.runtime.process;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.reference.control.ControlClient;
import io.pagehint.reference.control.GuestStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A reference guest in its own process ({@code pagehint guest}), with its files in a work folder,
 * ready to be migrated once its workload has settled.
 */
public final class GuestRun implements AutoCloseable {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

    private final PagehintProcess process;
    private final GuestFiles files;
    private final Path channelSocket;

    private GuestRun(PagehintProcess process, GuestFiles files, Path channelSocket) {
        this.process = process;
        this.files = files;
        this.channelSocket = channelSocket;
    }

    /**
     * Starts a guest called {@code name} whose hint driver of {@code transport} ("serial",
     * "virtio" or null) connects to a socket in {@code dir}; {@code guestArgs} are further
     * {@code pagehint guest} options (workload, sizes, boot options).
     */
    public static GuestRun start(Path dir, String name, MachineSpec machine, String transport, List<String> guestArgs,
                                 List<String> jvmArgs) throws IOException {
        Path ram = dir.resolve(name + ".ram");
        Path log = dir.resolve(name + ".dirty");
        Path control = dir.resolve(name + ".control");
        Path socket = transport == null ? null : dir.resolve(name + "." + transport);
        List<String> args = new ArrayList<>(List.of("guest"));
        args.addAll(PagehintProcess.machineArgs(machine));
        args.addAll(List.of("--ram-file", ram.toString(), "--dirty-log", log.toString(), "--control", control.toString()));
        if (transport != null) {
            args.addAll(List.of("--" + transport, socket.toString()));
        }
        args.addAll(guestArgs);
        PagehintProcess p = PagehintProcess.start(dir, name, jvmArgs, args);
        return new GuestRun(p, new GuestFiles(name, machine, ram, log, control), socket);
    }

    public GuestFiles files() {
        return files;
    }

    /** Where the host end of its hint channel must listen, or null without one. */
    public Path channelSocket() {
        return channelSocket;
    }

    public PagehintProcess process() {
        return process;
    }

    /**
     * Waits until the guest answers on its control socket and every vCPU's workload has finished
     * its set-up phases (filling, freeing): the state a published experiment migrates in.
     */
    public GuestStatus awaitSettled(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitControl(timeout);
        try (ControlClient c = ControlClient.connect(files.control())) {
            while (true) {
                GuestStatus s = c.status(CONTROL_TIMEOUT);
                boolean settled = s.phases().stream().allMatch(p -> !p.contains(":") || p.endsWith(":idle"));
                if (settled) {
                    return s;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(process.name() + " still in " + s.phases() + " after " + timeout.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until the guest has booted and answers on its control socket. */
    public void awaitControl(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(files.control())) {
            if (!process.process().isAlive()) {
                throw new IOException(process.name() + " exited: " + PagehintProcess.tail(files.control().resolveSibling(process.name() + ".err")));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(process.name() + " did not open its control socket within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /** The guest's status now. */
    public GuestStatus status() throws IOException {
        try (ControlClient c = ControlClient.connect(files.control())) {
            return c.status(CONTROL_TIMEOUT);
        }
    }

    /** Asks the guest to stop; kills it if it does not. Its files stay. */
    @Override
    public void close() {
        if (process.process().isAlive()) {
            try (ControlClient c = ControlClient.connect(files.control())) {
                c.quit(CONTROL_TIMEOUT);
                process.await(Duration.ofSeconds(10));
            } catch (IOException | InterruptedException e) {
                // it is going away one way or the other
            }
        }
        process.close();
    }
}
