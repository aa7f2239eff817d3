package io.pagehint.benche2e;

import com.google.gson.JsonObject;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.reference.control.GuestStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the benchmark's migrations happen, provided by the runtime that runs it: a private work
 * folder, guest and destination processes started from the same pagehint.jar, and guests attached
 * to that runtime (its VMM adapter and the host end of the hint channel) so its engine can migrate
 * them. The benchmark measures; the lab starts and wires.
 */
public interface MigrationLab {

    /** The run's folder (tmpfs): RAM files, sockets, logs. */
    Path work();

    /**
     * Starts {@code pagehint guest} called {@code name} with {@code guestArgs} (workload, sizes, boot
     * options); with a {@code channel} (serial, virtio; null for none) its hint driver connects to a
     * socket in the work folder.
     */
    Guest startGuest(String name, MachineSpec machine, String channel, List<String> guestArgs, List<String> jvmArgs)
            throws IOException;

    /** Starts {@code pagehint receive --json} called {@code name}, listening on a free loopback port. */
    Destination startDestination(String name, MachineSpec machine, List<String> jvmArgs, List<String> receiveArgs)
            throws IOException, InterruptedException;

    /** A guest process; closing stops it (its files stay). */
    interface Guest extends AutoCloseable {

        long pid();

        Path ramFile();

        /** Waits until it answers and its workload has finished its set-up phases. */
        GuestStatus awaitSettled(Duration timeout) throws IOException, InterruptedException;

        GuestStatus status() throws IOException;

        /** Attaches it to the runtime, with the host end of its hint channel if it was started with one. */
        Attachment attach();

        @Override
        void close();
    }

    /** A guest attached to the runtime; closing detaches it. */
    interface Attachment extends AutoCloseable {

        VirtualMachine vm();

        /** The hint source's transport id for {@code MigrationOptions.hintTransport}, or null without a channel. */
        String hintTransport();

        @Override
        void close();
    }

    /** A destination process; closing ends it if it still runs. */
    interface Destination extends AutoCloseable {

        long pid();

        InetSocketAddress address();

        Path ramFile();

        /** Waits for it to end; its exit code. */
        int await(Duration timeout) throws IOException, InterruptedException;

        /** Its JSON report, after {@link #await}; null if it printed none. */
        JsonObject report() throws IOException;

        @Override
        void close();
    }
}
