package io.pagehint.runtime.migration;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.process.GuestFiles;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A running guest attached to this runtime, as a VMM would attach it: a factory configuration for
 * its host adapter (the reference guest's, or the QEMU adapter's), which registers the API
 * VirtualMachine, and, if asked, one for the host end of its hint channel. Closing removes both
 * configurations, so the services go away and the channel's socket closes.
 */
public final class GuestAttachment implements AutoCloseable {

    /** How the attachment waits for the guest's driver to connect to its hint channel. */
    private enum HintWait {
        /** wait, and fail if no driver comes */
        REQUIRED,
        /** wait, and go on without hints if no driver comes ({@link #whyNoHints()} says why) */
        OPTIONAL,
        /** do not wait: the guest starts after its host end listens ({@link #awaitHints}) */
        LATER
    }

    private final List<Configuration> configurations = new ArrayList<>();
    private final CliContext context;
    private final VirtualMachine vm;
    private final String hintFilter;
    private final String hintWhat;
    private HintSource hints;
    private String noHints = "";

    private GuestAttachment(CliContext context, String vmId, String adapterPid, Map<String, Object> adapterConfiguration,
                            String vmWhat, HintChannel channel, Duration hintWait, HintWait how) throws IOException {
        this.context = context;
        ConfigurationAdmin admin = context.await(ConfigurationAdmin.class, null, "configuration admin");
        try {
            configure(admin, adapterPid, adapterConfiguration);
            vm = context.await(VirtualMachine.class, "(" + VirtualMachine.VM_ID + "=" + vmId + ")", vmWhat);
            if (channel == null) {
                hintFilter = null;
                hintWhat = null;
            } else {
                configure(admin, channel.kind().factoryPid, channel.configuration(vmId));
                hintFilter = "(&(" + VirtualMachine.VM_ID + "=" + vmId + ")(" + HintSource.TRANSPORT + "=" + channel.kind().transport() + "))";
                hintWhat = channel.kind().transport() + " hint channel of guest " + vmId
                        + " (was the guest started with its driver pointed at " + channel.socket() + "?)";
                if (how != HintWait.LATER) {
                    try {
                        awaitHints(hintWait == null ? context.serviceWait() : hintWait);
                    } catch (CliException e) {
                        if (how == HintWait.REQUIRED) {
                            throw e;
                        }
                        noHints = e.getMessage(); // no driver came: the guest cannot hint, which is no reason not to migrate it
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Attaches the reference guest and waits for its services; {@code channel} may be null for no hints. */
    public static GuestAttachment attach(CliContext context, GuestFiles guest, HintChannel channel) {
        return attach(context, guest, channel, HintWait.REQUIRED);
    }

    /**
     * Like {@link #attach(CliContext, GuestFiles, HintChannel)}, but a hint source that does not
     * appear (no driver connected to the channel) leaves {@link #hints()} null and says why in
     * {@link #whyNoHints()}, instead of failing: for a migration, which then runs without hints.
     */
    public static GuestAttachment attachHintsIfThere(CliContext context, GuestFiles guest, HintChannel channel) {
        return attach(context, guest, channel, HintWait.OPTIONAL);
    }

    private static GuestAttachment attach(CliContext context, GuestFiles guest, HintChannel channel, HintWait how) {
        return attach(context, guest.vmId(), GuestFiles.ADAPTER_FACTORY_PID, guest.adapterConfiguration(),
                "reference guest " + guest.vmId() + " (are its files and control socket there?)", channel, null, how);
    }

    /**
     * Attaches a guest through any VMM adapter's factory configuration ({@code adapterPid}), and
     * waits up to {@code hintWait} (null: the command's service wait) for its guest driver to
     * connect: a guest that is still booting needs longer than a service takes to appear.
     */
    public static GuestAttachment attach(CliContext context, String vmId, String adapterPid, Map<String, Object> adapterConfiguration,
                                         String vmWhat, HintChannel channel, Duration hintWait) {
        return attach(context, vmId, adapterPid, adapterConfiguration, vmWhat, channel, hintWait, HintWait.REQUIRED);
    }

    /**
     * Attaches the guest and opens the host end of its channel without waiting for the guest's
     * driver: for a guest that is started after its host end listens (QEMU connects its chardev
     * at start). {@link #awaitHints} waits for the driver afterwards.
     */
    public static GuestAttachment attachListening(CliContext context, String vmId, String adapterPid,
                                                  Map<String, Object> adapterConfiguration, String vmWhat, HintChannel channel) {
        return attach(context, vmId, adapterPid, adapterConfiguration, vmWhat, channel, null, HintWait.LATER);
    }

    private static GuestAttachment attach(CliContext context, String vmId, String adapterPid, Map<String, Object> adapterConfiguration,
                                          String vmWhat, HintChannel channel, Duration hintWait, HintWait how) {
        try {
            return new GuestAttachment(context, vmId, adapterPid, adapterConfiguration, vmWhat, channel, hintWait, how);
        } catch (IOException e) {
            throw new CliException("cannot configure guest " + vmId + ": " + e.getMessage());
        }
    }

    /** Waits up to {@code wait} for the guest's driver to connect; the hint source then. */
    public HintSource awaitHints(Duration wait) {
        if (hints == null && hintFilter != null) {
            hints = context.await(HintSource.class, hintFilter, hintWhat, wait);
        }
        return hints;
    }

    /** Why a hint channel was asked for and no hint source came; empty otherwise. */
    public String whyNoHints() {
        return noHints;
    }

    public VirtualMachine vm() {
        return vm;
    }

    /** The hint source, or null when no channel was asked for (or none came). */
    public HintSource hints() {
        return hints;
    }

    private void configure(ConfigurationAdmin admin, String factoryPid, Map<String, Object> properties) throws IOException {
        Configuration c = admin.createFactoryConfiguration(factoryPid, "?");
        configurations.add(c);
        Dictionary<String, Object> d = new Hashtable<>(properties);
        c.update(d);
    }

    @Override
    public void close() {
        // the channel first: its component needs the VM, and should close its socket before the VM goes
        for (int i = configurations.size() - 1; i >= 0; i--) {
            try {
                configurations.get(i).delete();
            } catch (IOException | IllegalStateException e) {
                // already gone with the framework
            }
        }
        configurations.clear();
    }
}
