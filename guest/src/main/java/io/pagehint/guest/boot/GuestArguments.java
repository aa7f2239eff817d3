package io.pagehint.guest.boot;

import io.pagehint.api.memory.ByteSize;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.vcpu.WorkloadSpec;
import io.pagehint.reference.layout.MachineOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command lines of {@code pagehint guest} and {@code pagehint guest-check}, parsed once here
 * for both the runtime command and the test launcher. Options are listed by {@link #GUEST_USAGE}
 * and {@link #CHECK_USAGE}; an unknown or malformed option is an {@link IllegalArgumentException}
 * whose message says what is wrong.
 */
public final class GuestArguments {

    public static final String GUEST_USAGE = """
            Usage: pagehint guest --machine M --ram SIZE --ram-file F --dirty-log F --control S [options]
            Runs the reference guest in this process until QUIT on its control socket.
              --arch A                  architecture (default x86_64)
              --machine M               machine type (pc, q35; virt with --arch aarch64)
              --ram SIZE                RAM at boot (512M, 8G, ...)
              -o, --option N=V          a machine option of the layout provider (repeatable)
              --ram-file F              guest RAM file on tmpfs (created sparse, mode 0600)
              --dirty-log F             dirty-log file (created, mode 0600)
              --control S               control socket (UNIX, mode 0600)
              --workload W              idle | churn | hog | used-then-freed | page-cache (default idle)
              --rate N                  churn: operations a second; used-then-freed: pages filled a second;
                                        whole guest (default 0: unlimited)
              --mb-per-s N              hog: MiB written a second, whole guest (default 64)
              --size SIZE               used-then-freed, page-cache: memory to fill (default 1/2 of RAM);
                                        churn: memory earlier jobs used and freed first (default 0)
              --vcpus N                 vCPU threads (default 1)
              --seed N                  random seed (default 1)
              --init-on-alloc           zero pages when allocated
              --init-on-free            zero pages when freed
              --page-poison             poison free pages (0xaa) and check on allocation
              --free-bitmap walk|kept   4a: walk free lists on demand; 4b: keep a bitmap (default walk)
              --serial SOCKET           connect the virtio-serial hint driver to this host socket
              --virtio SOCKET           connect the virtio-balloon hint driver to this doorbell socket
              --hint-pace-ms N          a slow guest (tests): pause N ms between the hint pieces handed to the host
              --attach                  take up the kernel already in the RAM file instead of booting
              --paused                  start with the vCPUs stopped until RESUME (like QEMU's -S)
            """;

    public static final String CHECK_USAGE = """
            Usage: pagehint guest-check --ram-file F --machine M --ram SIZE [--arch A] [-o N=V ...] [--json]
            Attaches read-only to a guest's RAM file and runs the self-check; exit 0 when it passes, 1 when not.
            """;

    /**
     * The least RAM a reference guest boots in: its kernel puts its tables at 1 MiB and needs some
     * free pages above them (a 2 MiB q35 guest boots with 408 free pages).
     */
    public static final long MIN_RAM = 2L << 20;

    private GuestArguments() {
    }

    private static final Set<String> GUEST_FLAGS = Set.of("--init-on-alloc", "--init-on-free", "--page-poison", "--attach",
            "--paused");
    private static final Set<String> GUEST_VALUES = Set.of("--arch", "--machine", "--ram", "--ram-file", "--dirty-log",
            "--control", "--workload", "--rate", "--mb-per-s", "--size", "--vcpus", "--seed", "--free-bitmap", "--serial",
            "--virtio", "--hint-pace-ms");
    private static final Set<String> CHECK_FLAGS = Set.of("--json");
    private static final Set<String> CHECK_VALUES = Set.of("--arch", "--machine", "--ram", "--ram-file");

    /** Parses {@code pagehint guest}'s arguments; null for {@code --help}. */
    public static GuestConfig parseGuest(String[] args) {
        Map<String, String> o = scan(args, GUEST_FLAGS, GUEST_VALUES);
        if (o == null) {
            return null;
        }
        MachineSpec machine = machine(o);
        WorkloadSpec.Kind kind = WorkloadSpec.Kind.of(o.getOrDefault("--workload", "idle"));
        long defaultSize = kind == WorkloadSpec.Kind.CHURN ? 0 : machine.ramBytes() / 2;
        long size = o.containsKey("--size") ? ByteSize.parse("--size", o.get("--size")) : defaultSize;
        if (size > machine.ramBytes()) {
            throw new IllegalArgumentException("--size " + o.get("--size") + " is more than the guest's " + o.get("--ram") + " of RAM");
        }
        WorkloadSpec workload = new WorkloadSpec(kind, number(o, "--rate", 0), number(o, "--mb-per-s", 64), size);
        BootOptions.FreeBitmapMode mode = switch (o.getOrDefault("--free-bitmap", "walk").toLowerCase(Locale.ROOT)) {
            case "walk" -> BootOptions.FreeBitmapMode.WALK;
            case "kept" -> BootOptions.FreeBitmapMode.KEPT;
            default -> throw new IllegalArgumentException("--free-bitmap is walk or kept, not " + o.get("--free-bitmap"));
        };
        BootOptions boot = new BootOptions(o.containsKey("--init-on-alloc"), o.containsKey("--init-on-free"),
                o.containsKey("--page-poison"), mode);
        return new GuestConfig(machine, path(o, "--ram-file"), path(o, "--dirty-log"), path(o, "--control"), workload,
                (int) integer(o, "--vcpus", 1), integer(o, "--seed", 1), boot,
                o.containsKey("--serial") ? Path.of(o.get("--serial")) : null,
                o.containsKey("--virtio") ? Path.of(o.get("--virtio")) : null,
                java.time.Duration.ofMillis(integer(o, "--hint-pace-ms", 0)), o.containsKey("--attach"),
                o.containsKey("--paused"));
    }

    /** What {@code pagehint guest-check} is asked. */
    public record CheckConfig(MachineSpec machine, Path ramFile, boolean json) {
    }

    /** Parses {@code pagehint guest-check}'s arguments; null for {@code --help}. */
    public static CheckConfig parseCheck(String[] args) {
        Map<String, String> o = scan(args, CHECK_FLAGS, CHECK_VALUES);
        return o == null ? null : new CheckConfig(machine(o), path(o, "--ram-file"), o.containsKey("--json"));
    }

    /**
     * The options of a command line by name: {@code flags} map to "true", {@code valued} options to
     * their value, each machine option {@code name=value} to a key {@code "-o name"}. Null when
     * help is asked for.
     */
    private static Map<String, String> scan(String[] args, Set<String> flags, Set<String> valued) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            } else if (flags.contains(a)) {
                o.put(a, "true");
            } else if (valued.contains(a)) {
                o.put(a, value(args, ++i, a));
            } else if (a.equals("-o") || a.equals("--option") || a.equals("--machine-option")) {
                Map<String, String> one = new HashMap<>();
                MachineOptions.put(value(args, ++i, a), one);
                one.forEach((k, v) -> o.put(MACHINE_OPTION + k, v));
            } else {
                throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return o;
    }

    private static final String MACHINE_OPTION = "-o ";

    private static MachineSpec machine(Map<String, String> o) {
        if (!o.containsKey("--machine") || !o.containsKey("--ram")) {
            throw new IllegalArgumentException("--machine and --ram are required");
        }
        Map<String, String> machineOptions = new HashMap<>();
        o.forEach((k, v) -> {
            if (k.startsWith(MACHINE_OPTION)) {
                machineOptions.put(k.substring(MACHINE_OPTION.length()), v);
            }
        });
        long ram = ByteSize.parse("--ram", o.get("--ram"));
        if (ram < MIN_RAM) {
            throw new IllegalArgumentException("--ram " + o.get("--ram") + " is too small: a reference guest needs at least 2M of RAM");
        }
        return new MachineSpec(o.getOrDefault("--arch", "x86_64"), o.get("--machine"), ram, machineOptions);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Path path(Map<String, String> o, String option) {
        String v = o.get(option);
        if (v == null) {
            throw new IllegalArgumentException(option + " is required");
        }
        return Path.of(v);
    }

    private static long integer(Map<String, String> o, String option, long dflt) {
        String v = o.get(option);
        try {
            return v == null ? dflt : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not " + v);
        }
    }

    private static double number(Map<String, String> o, String option, double dflt) {
        String v = o.get(option);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not " + v);
        }
    }
}
