package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmProvisioner;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestRun;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The channel bundle is stopped while a migration runs: the hint source goes away, the migration
 * goes on without hints and the guest arrives whole. Started again, the guest's driver reconnects
 * and the next migration of the same guest uses hints. No restart, nothing told to the engine.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChannelHotSwapIT extends InFramework {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final MachineSpec MACHINE = new MachineSpec("x86_64", "q35", 256L << 20);

    @Inject
    MigrationService engine;

    @Inject
    ConfigurationAdmin configurations;

    @Inject
    VmProvisioner provisioner;

    @Inject
    ServiceComponentRuntime scr;

    @Test
    public void stoppingTheChannelMidMigrationLeavesTheGuestWholeAndStartingItBringsHintsBack() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-hotswap-");
        List<Configuration> configs = new ArrayList<>();
        try (GuestRun guest = GuestRun.start(dir, "hotswap", MACHINE, "serial",
                List.of("--workload", "used-then-freed", "--size", "192M"), List.of())) {
            guest.awaitSettled(TIMEOUT);
            GuestFiles files = guest.files();
            configs.add(factoryConfiguration(GuestFiles.ADAPTER_FACTORY_PID, files.adapterConfiguration()));
            configs.add(factoryConfiguration("io.pagehint.channel.serial", Map.of("vm.id", files.vmId(),
                    "vm.target", "(vm.id=" + files.vmId() + ")", "socket.path", guest.channelSocket().toString())));
            VirtualMachine vm = awaitService(VirtualMachine.class, "(vm.id=" + files.vmId() + ")");
            awaitHintSourceBoundToTheEngine(files.vmId());
            Bundle channels = bundle("io.pagehint.channel");

            // a slow link, so the channel can be stopped while the bulk round runs
            MigrationOptions slow = MigrationOptions.builder().bandwidthLimit(16L << 20).hintWait(Duration.ZERO).build();
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            MigrationReport first = migrate(vm, dir.resolve("first.ram"), slow, e -> {
                if (e.phase() == MigrationPhase.BULK && !stopped.isDone()) {
                    // not on the migration's own thread: stopping a bundle waits for its services to go
                    CompletableFuture.runAsync(() -> {
                        try {
                            channels.stop();
                            stopped.complete(null);
                        } catch (Exception ex) {
                            stopped.completeExceptionally(ex);
                        }
                    });
                }
            });
            stopped.get();
            assertThat(first.outcome()).as(first.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(first.selfCheck().passed()).as(first.selfCheck().problems().toString()).isTrue();
            assertThat(first.hints().transport()).as(first.hints().note()).isEqualTo(HintSource.TRANSPORT_SERIAL);
            assertThat(first.hints().note()).contains("went away");

            // the guest lives on the source again (as if the destination were discarded); the channel comes back
            vm.control().resume();
            channels.start();
            awaitHintSourceBoundToTheEngine(files.vmId());
            MigrationReport second = migrate(vm, dir.resolve("second.ram"), MigrationOptions.defaults(), null);
            assertThat(second.outcome()).as(second.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(second.selfCheck().passed()).isTrue();
            // the report's note says why hints were not used, if they were not
            assertThat(second.hints().transport()).as("hint note: " + second.hints().note()).isEqualTo(HintSource.TRANSPORT_SERIAL);
            assertThat(second.pagesSkippedByHints()).as("hints are back; hint note: " + second.hints().note()).isGreaterThan(10_000);
        } finally {
            for (Configuration c : configs) {
                c.delete();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private MigrationReport migrate(VirtualMachine vm, Path ramFile, MigrationOptions options,
                                    io.pagehint.api.migration.MigrationListener listener) throws Exception {
        IncomingVm incoming = provisioner.prepareIncoming("incoming", MACHINE, Map.of("ram.file", ramFile.toString()));
        IncomingMigration in = engine.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
        MigrationReport out = engine.migrate(vm, in.address(), options, listener).await(TIMEOUT);
        in.await(TIMEOUT);
        return out;
    }

    /**
     * Waits until the engine component has bound the guest's hint source, not merely until the
     * source is registered: a migration started in between finds no source (transport "none").
     * SCR binds on the thread that registered the source, possibly after this test's tracker saw it.
     */
    private void awaitHintSourceBoundToTheEngine(String vmId) throws Exception {
        ServiceTracker<HintSource, HintSource> t = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + HintSource.class.getName() + ")(vm.id=" + vmId + "))"), null);
        t.open();
        try {
            assertThat(t.waitForService(TIMEOUT.toMillis())).as("hint source of " + vmId).isNotNull();
            long sourceId = (Long) t.getServiceReference().getProperty("service.id");
            ServiceReference<MigrationService> engineRef = context.getServiceReference(MigrationService.class);
            Conditions.await(TIMEOUT, "the engine binds hint source " + sourceId + " of " + vmId,
                    () -> Components.boundServiceIds(scr, engineRef, HintSource.class).contains(sourceId),
                    () -> "bound " + Components.boundServiceIds(scr, engineRef, HintSource.class));
        } finally {
            t.close();
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
