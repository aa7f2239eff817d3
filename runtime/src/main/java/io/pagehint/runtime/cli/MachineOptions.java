package io.pagehint.runtime.cli;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The machine options every command that names a guest machine takes: {@code @Mixin MachineOptions machine;}. */
public final class MachineOptions {

    // --machine and --ram are required, but checked in spec(): a command may name its guest another way (migrate --vm)
    @Option(names = "--machine", paramLabel = "<type>", description = "Machine type: pc, q35, virt, ...")
    String machine;

    @Option(names = "--ram", paramLabel = "<size>", converter = ByteSizeConverter.class,
            description = "RAM at boot: 512M, 8G, 1T, 0x40000000.")
    Long ram;

    @Mixin
    ArchAndMachineOptions archAndOptions;

    /** Whether any machine option was given. */
    public boolean given() {
        return machine != null || ram != null || archAndOptions.given();
    }

    /** The machine these options describe; a usage error if they describe none, or --machine or --ram is missing. */
    public MachineSpec spec(CliContext context) {
        if (machine == null || ram == null) {
            throw CliException.usage("missing required option" + (machine == null && ram == null ? "s: --machine, --ram"
                    : machine == null ? ": --machine" : ": --ram"));
        }
        return spec(context, archAndOptions.arch, machine, ram, archAndOptions.options);
    }

    /**
     * A machine from its parts; without an arch, the arch of the layout provider that serves the
     * machine type (waiting for one as a command waits for services).
     */
    public static MachineSpec spec(CliContext context, String arch, String machine, long ram, Map<String, String> options) {
        if (ram <= 0) {
            throw new CliException("--ram must be more than 0", PagehintCli.EXIT_USAGE);
        }
        String a = arch != null ? arch : archServing(context, machine);
        return CliException.usageIfIllegal(() -> new MachineSpec(a, machine, ram, options));
    }

    /** The layout of {@code spec} from the provider that serves its arch and machine type (waiting for one). */
    public static GuestMemoryLayout layout(CliContext context, MachineSpec spec) {
        String filter = "(&(" + LayoutProvider.ARCH + "=" + escape(spec.arch()) + ")(" + LayoutProvider.MACHINES + "="
                + escape(spec.machine()) + "))";
        LayoutProvider provider = context.await(LayoutProvider.class, filter,
                "layout provider for " + spec.machine() + " (" + spec.arch() + ")");
        return CliException.usageIfIllegal(() -> provider.layout(spec));
    }

    private static String archServing(CliContext context, String machine) {
        String filter = "(" + LayoutProvider.MACHINES + "=" + escape(machine) + ")";
        context.await(LayoutProvider.class, filter, "layout provider for machine type " + machine);
        TreeSet<String> arches = new TreeSet<>();
        try {
            for (ServiceReference<LayoutProvider> r : context.bundleContext().getServiceReferences(LayoutProvider.class, filter)) {
                arches.add(String.valueOf(r.getProperty(LayoutProvider.ARCH)));
            }
        } catch (InvalidSyntaxException e) {
            throw new CliException("bad machine type " + machine, PagehintCli.EXIT_USAGE);
        }
        if (arches.size() != 1) {
            throw new CliException("machine type " + machine + " is served for " + arches + ": say which with --arch",
                    PagehintCli.EXIT_USAGE);
        }
        return arches.first();
    }

    /** Escapes what LDAP filters reserve, so a machine name cannot change a filter. */
    public static String escape(String value) {
        return value.replaceAll("([\\\\*()])", "\\\\$1");
    }
}
