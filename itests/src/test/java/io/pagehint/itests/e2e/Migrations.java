package io.pagehint.itests.e2e;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.process.DestinationRun;
import io.pagehint.runtime.process.GuestRun;
import io.pagehint.runtime.process.PagehintProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real migrations as users run them: a guest process, a destination process ({@code pagehint
 * receive}) and a source process ({@code pagehint migrate}), all from pagehint.jar, over loopback
 * TCP, with their files in a fresh folder on tmpfs.
 */
final class Migrations implements AutoCloseable {

    static final MachineSpec SMALL_Q35 = new MachineSpec("x86_64", "q35", 128L << 20);

    final Path dir;

    Migrations() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-e2e-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** What one migration did, from both ends. */
    record Outcome(int sourceExit, JsonObject source, int destinationExit, JsonObject destination, String logs) {
        boolean destinationCheckPassed() {
            return destination != null && destination.getAsJsonObject("selfCheck") != null
                    && destination.getAsJsonObject("selfCheck").get("passed").getAsBoolean();
        }

        long skippedByHints() {
            return source.get("pagesSkippedByHints").getAsLong();
        }
    }

    /**
     * Starts a guest ({@code guestArgs}), waits until its workload has settled, migrates it over
     * {@code channel} ("serial", "virtio" or "none") with {@code migrateArgs}, and waits for both ends.
     */
    Outcome migrate(String name, MachineSpec machine, String channel, List<String> guestArgs, List<String> migrateArgs,
                    List<String> sourceJvmArgs) throws IOException, InterruptedException {
        return migrate(name, machine, channel, guestArgs, migrateArgs, sourceJvmArgs, true);
    }

    /** Like the other, optionally not waiting for the workload to settle: migrating while the guest fills its memory. */
    Outcome migrate(String name, MachineSpec machine, String channel, List<String> guestArgs, List<String> migrateArgs,
                    List<String> sourceJvmArgs, boolean settle) throws IOException, InterruptedException {
        return migrate(name, machine, channel, true, guestArgs, migrateArgs, sourceJvmArgs, settle);
    }

    /**
     * Migrates over {@code channel} a guest started without the channel's driver ({@code driver}
     * false): the host end listens, nothing connects.
     */
    Outcome migrate(String name, MachineSpec machine, String channel, boolean driver, List<String> guestArgs,
                    List<String> migrateArgs, List<String> sourceJvmArgs, boolean settle) throws IOException, InterruptedException {
        return migrate(name, machine, channel, driver, guestArgs, migrateArgs, sourceJvmArgs, settle, List.of());
    }

    /** Like the others, with more {@code receive} options for the destination ({@code --tls-creds DIR}, say). */
    Outcome migrate(String name, MachineSpec machine, String channel, boolean driver, List<String> guestArgs,
                    List<String> migrateArgs, List<String> sourceJvmArgs, boolean settle, List<String> receiveArgs)
            throws IOException, InterruptedException {
        String transport = channel.equals("none") ? null : channel;
        try (GuestRun guest = GuestRun.start(dir, name + "-guest", machine, driver ? transport : null, guestArgs, List.of());
             DestinationRun destination = DestinationRun.start(dir, name + "-destination", machine, List.of(), receiveArgs)) {
            if (settle) {
                guest.awaitSettled(Duration.ofMinutes(2));
            } else {
                guest.awaitControl(Duration.ofMinutes(1));
            }
            List<String> args = new ArrayList<>(List.of("migrate", "--json", "--to",
                    "127.0.0.1:" + destination.address().getPort(),
                    "--guest-control", guest.files().control().toString(), "--ram-file", guest.files().ramFile().toString(),
                    "--dirty-log", guest.files().dirtyLog().toString(), "--channel", channel));
            args.addAll(PagehintProcess.machineArgs(machine));
            if (transport != null) {
                Path socket = driver ? guest.channelSocket() : dir.resolve(name + "-no-driver.sock");
                args.addAll(List.of("--channel-socket", socket.toString()));
            }
            args.addAll(migrateArgs);
            try (PagehintProcess source = PagehintProcess.start(dir, name + "-source", sourceJvmArgs, args)) {
                int sourceExit = source.await(Duration.ofMinutes(5));
                DestinationRun.Result d = destination.await(Duration.ofMinutes(2));
                return new Outcome(sourceExit, json(source.output()), d.exitCode(), d.report(),
                        "source: " + source.errors() + "\ndestination: " + destination.process().errors()
                                + "\nguest: " + guest.process().errors());
            }
        }
    }

    private static JsonObject json(String out) {
        int at = out.indexOf('{');
        return at < 0 ? null : JsonParser.parseString(out.substring(at)).getAsJsonObject();
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
