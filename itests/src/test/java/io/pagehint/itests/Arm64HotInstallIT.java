package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmProvisioner;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestRun;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The extension point, proved: a runtime started without {@code io.pagehint.arm64} and without the
 * tighten bundle (so with no tightener at all) migrates an Arm guest of QEMU's virt machine without
 * hints and says why; the aarch64 bundle and the tighten bundle are then installed and started in the
 * running framework, from the reactor's files; the tighten bundle registers a tightener for each
 * aarch64 layout provider; and the next migration of the same guest uses hints. No restart, and the
 * engine is the same component throughout.
 *
 * <p>Everything is real: the guest is its own process ({@code pagehint guest}, 64 KiB pages, a workload
 * that used and freed most of its memory) with its serial hint driver; the source and the destination
 * are this framework's engine over loopback TCP; the destination proves the guest whole with its
 * self-check. The guest that arrived is taken up where it arrived ({@code pagehint guest --attach}) and
 * migrated again from there. Guests are started with the runtime's own {@link GuestRun}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class Arm64HotInstallIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String VM_ID = "arm-guest";
    /** A 256 MiB guest of QEMU's virt machine whose kernel uses 64 KiB pages. */
    private static final MachineSpec VIRT = new MachineSpec("aarch64", "virt", 256L << 20, Map.of("guest-page-size", "64K"));

    @Inject
    BundleContext context;

    @Inject
    ServiceComponentRuntime scr;

    @Inject
    ConfigurationAdmin configAdmin;

    /** Held for the whole test, so the (delayed) engine component stays the same active one. */
    @Inject
    MigrationService engine;

    @Inject
    VmProvisioner provisioner;

    private Path dir;
    private final List<AutoCloseable> cleanUp = new ArrayList<>();

    /** The runtime's bundles, but not the aarch64 one and not the tighten one. */
    @Configuration
    public Option[] config() {
        return RuntimeBundles.options(b -> !b.file().getName().startsWith("io.pagehint.arm64-") && !isTighten(b));
    }

    private static boolean isTighten(RuntimeBundles.RuntimeBundle b) {
        return b.file().getName().startsWith("io.pagehint.tighten-");
    }

    /**
     * The layout QEMU gives {@link #VIRT}, as its VMM knows it: all RAM in one block from 1 GiB. The VMM
     * side (here the reference guest's host adapters) needs it whether or not pagehint can tighten for
     * the architecture; the test stands in for the VMM with this provider, and checks later that
     * impl-arm64 builds the very same layout.
     */
    static GuestMemoryLayout virtLayout() {
        return new GuestMemoryLayout("aarch64", "virt", 64 * 1024, List.of(new RamBlock(0, "mach-virt.ram", 256L << 20,
                64 * 1024, List.of(new RamRange(1L << 30, 256L << 20, 0)))), List.of());
    }

    @Before
    public void folder() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-arm64-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @After
    public void cleanUp() throws Exception {
        for (int i = cleanUp.size() - 1; i >= 0; i--) {
            cleanUp.get(i).close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    public void anArmGuestMigratesWithoutHintsUntilTheAarch64BundleIsInstalledThenWithThem() throws Exception {
        assertThat(Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName)).doesNotContain("io.pagehint.arm64");
        assertThat(tighteners("aarch64")).as("no tightener for aarch64 yet").isEmpty();
        ServiceRegistration<LayoutProvider> vmmLayout = context.registerService(LayoutProvider.class, spec -> virtLayout(),
                new Hashtable<>(Map.of(LayoutProvider.ARCH, "aarch64", LayoutProvider.MACHINES, "virt")));
        cleanUp.add(vmmLayout::unregister);
        ServiceReference<MigrationService> engineRef = context.getServiceReference(MigrationService.class);
        long engineComponentId = (Long) engineRef.getProperty("component.id");

        // 1. a guest that used three quarters of its memory and freed it, migrated by a runtime without impl-arm64;
        //    it arrives in second.ram, where the second guest process will take it up
        GuestRun first = guest("first", List.of("--workload", "used-then-freed", "--size", "192M", "--vcpus", "2", "--seed", "3"));
        Run without = migrate(first, dir.resolve("second.ram"));

        assertThat(without.source().outcome()).as(without.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
        assertThat(without.source().hints().note()).isEqualTo("no tightener for aarch64/virt");
        assertThat(without.source().pagesSkippedByHints()).isZero();
        assertThat(without.destination().selfCheck().passed()).as(without.destination().selfCheck().toString()).isTrue();
        first.close();
        assertThat(first.process().process().exitValue()).as("the source guest, handed over, quits").isZero();

        // 2. the aarch64 bundle and the tighten bundle join the running framework
        Bundle arm64 = context.installBundle(new File(System.getProperty("pagehint.arm64.bundle")).toURI().toString());
        cleanUp.add(arm64::uninstall);
        arm64.start();
        Bundle tighten = context.installBundle(RuntimeBundles.all().stream().filter(Arm64HotInstallIT::isTighten).findFirst()
                .orElseThrow().file().toURI().toString());
        cleanUp.add(tighten::uninstall);
        tighten.start();
        List<Long> tightenerIds = awaitTightenersFrom(tighten);
        Conditions.await(TIMEOUT, "the engine binds the aarch64 tighteners",
                () -> Components.boundServiceIds(scr, engineRef, BitmapTightener.class).containsAll(tightenerIds),
                () -> "bound " + Components.boundServiceIds(scr, engineRef, BitmapTightener.class));
        assertThat(context.getServiceReference(MigrationService.class).getProperty("component.id"))
                .as("the same engine component, never restarted").isEqualTo(engineComponentId);
        assertThat(service(LayoutProvider.class, "(&(" + LayoutProvider.ARCH + "=aarch64)(service.bundleid=" + arm64.getBundleId() + "))")
                .layout(VIRT)).as("impl-arm64's layout is the one the VMM described").isEqualTo(virtLayout());

        // 3. the same guest, running on where it arrived, migrates again: with hints now
        GuestRun second = guest("second", List.of("--attach", "--workload", "idle"));
        Run with = migrate(second, dir.resolve("third.ram"));

        assertThat(with.source().outcome()).as(with.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
        assertThat(with.source().hints().transport()).isEqualTo(HintSource.TRANSPORT_SERIAL);
        assertThat(with.source().hints().note()).isEmpty();
        long ramPages = (256L << 20) / (64 * 1024);
        assertThat(with.source().pagesSkippedByHints()).as("most of the freed memory is skipped").isGreaterThan(ramPages / 2);
        assertThat(with.source().pagesSent()).isLessThan(without.source().pagesSent() / 2);
        assertThat(with.destination().selfCheck().passed()).as(with.destination().selfCheck().toString()).isTrue();
        second.close();
        assertThat(second.process().process().exitValue()).isZero();
    }

    /** One migration, from both ends. */
    record Run(MigrationReport source, MigrationReport destination) {
    }

    /**
     * Starts {@code pagehint guest} called {@code name} (its RAM in {@code <name>.ram}, its serial hint
     * driver pointed at {@code <name>.serial}) and waits until its workload has settled.
     */
    private GuestRun guest(String name, List<String> args) throws Exception {
        GuestRun g = GuestRun.start(dir, name, VIRT, "serial", args, List.of());
        cleanUp.add(g);
        g.awaitSettled(TIMEOUT);
        return g;
    }

    /**
     * Attaches {@code guest} to this runtime as {@link #VM_ID} (its host adapter and its serial hint
     * channel, configured as a VMM would), receives it into {@code into} on this runtime's engine and
     * migrates it there over loopback TCP; detaches it afterwards.
     */
    private Run migrate(GuestRun guest, Path into) throws Exception {
        List<org.osgi.service.cm.Configuration> configs = new ArrayList<>();
        try {
            Map<String, Object> adapter = new HashMap<>(guest.files().adapterConfiguration());
            adapter.put("vm.id", VM_ID);
            configs.add(configure(GuestFiles.ADAPTER_FACTORY_PID, adapter));
            VirtualMachine vm = service(VirtualMachine.class, "(" + VirtualMachine.VM_ID + "=" + VM_ID + ")");
            configs.add(configure("io.pagehint.channel.serial", Map.of("vm.id", VM_ID, "vm.target", "(vm.id=" + VM_ID + ")",
                    "socket.path", guest.channelSocket().toString())));
            service(HintSource.class, "(&(" + VirtualMachine.VM_ID + "=" + VM_ID + ")(" + HintSource.TRANSPORT + "="
                    + HintSource.TRANSPORT_SERIAL + "))");
            try (IncomingVm incoming = provisioner.prepareIncoming(VM_ID, VIRT, Map.of("ram.file", into.toString()))) {
                IncomingMigration in = engine.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
                MigrationReport source = engine.migrate(vm, in.address(), MigrationOptions.defaults(), null).await(TIMEOUT);
                return new Run(source, in.await(TIMEOUT));
            }
        } finally {
            for (int i = configs.size() - 1; i >= 0; i--) {
                configs.get(i).delete();
            }
        }
    }

    private org.osgi.service.cm.Configuration configure(String factoryPid, Map<String, Object> properties) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(factoryPid, "?");
        c.update(new Hashtable<>(properties));
        return c;
    }

    /** Waits for a service (matching {@code filter}, if given) and returns it; the tracker holds it until the test ends. */
    private <S> S service(Class<S> type, String filter) throws Exception {
        String f = "(objectClass=" + type.getName() + ")";
        ServiceTracker<S, S> t = new ServiceTracker<>(context, context.createFilter(filter == null ? f : "(&" + f + filter + ")"), null);
        t.open();
        cleanUp.add(t::close);
        S s = t.waitForService(TIMEOUT.toMillis());
        if (s == null) {
            throw new AssertionError("no " + type.getSimpleName() + (filter == null ? "" : " " + filter) + " within " + TIMEOUT);
        }
        return s;
    }

    private List<ServiceReference<BitmapTightener>> tighteners(String arch) throws Exception {
        return List.copyOf(context.getServiceReferences(BitmapTightener.class, "(" + BitmapTightener.ARCH + "=" + arch + ")"));
    }

    /**
     * Waits until {@code bundle} has registered an aarch64 virt tightener for each of the two aarch64
     * layout providers (this test's, standing in for the VMM, and impl-arm64's); returns their service ids.
     */
    private List<Long> awaitTightenersFrom(Bundle bundle) throws Exception {
        Conditions.await(TIMEOUT, "two aarch64 tighteners of " + bundle.getSymbolicName(),
                () -> {
                    try {
                        return tighteners("aarch64").stream().filter(r -> r.getBundle() == bundle).count() == 2;
                    } catch (Exception e) {
                        return false;
                    }
                }, () -> "bundle state " + bundle.getState());
        List<ServiceReference<BitmapTightener>> refs = tighteners("aarch64");
        for (ServiceReference<BitmapTightener> ref : refs) {
            assertThat(ref.getBundle()).isEqualTo(bundle);
            assertThat(ref.getProperty(BitmapTightener.MACHINES)).isEqualTo("virt");
        }
        return refs.stream().map(r -> (Long) r.getProperty("service.id")).toList();
    }
}
