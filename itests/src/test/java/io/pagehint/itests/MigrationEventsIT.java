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
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * A controller that follows migrations with an EventAdmin handler and no pagehint code: a real
 * reference guest migrated with hints over the serial channel posts STARTED, PHASE, ROUND, HINTS and
 * ENDED on {@code io/pagehint/migration/*}, in that order, with the report's facts. Without an
 * EventAdmin the engine migrates all the same.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MigrationEventsIT extends InFramework {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final MachineSpec MACHINE = new MachineSpec("x86_64", "q35", 128L << 20);

    @Inject
    MigrationService engine;

    @Inject
    ConfigurationAdmin configurations;

    @Inject
    VmProvisioner provisioner;

    @Test
    public void aHintedMigrationPostsItsLifecycleAndTheReportsFactsAndNoEventAdminChangesNothing() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, "io/pagehint/migration/*")));
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-events-");
        List<Configuration> configs = new ArrayList<>();
        try (GuestRun guest = GuestRun.start(dir, "events", MACHINE, "serial",
                List.of("--workload", "used-then-freed", "--size", "96M"), List.of())) {
            guest.awaitSettled(TIMEOUT);
            GuestFiles files = guest.files();
            configs.add(factoryConfiguration(GuestFiles.ADAPTER_FACTORY_PID, files.adapterConfiguration()));
            configs.add(factoryConfiguration("io.pagehint.channel.serial", Map.of("vm.id", files.vmId(),
                    "vm.target", "(vm.id=" + files.vmId() + ")", "socket.path", guest.channelSocket().toString())));
            VirtualMachine vm = awaitService(VirtualMachine.class, "(vm.id=" + files.vmId() + ")");
            awaitService(HintSource.class, "(vm.id=" + files.vmId() + ")");

            MigrationReport report = migrate(vm, dir.resolve("first.ram"));
            assertThat(report.outcome()).as(report.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(report.pagesSkippedByHints()).as("hints used").isGreaterThan(0);

            Conditions.await(TIMEOUT, "ENDED of both ends", () -> ofSource(events, report.migrationId()).stream()
                            .filter(e -> e.getTopic().endsWith("/ENDED")).count() == 1
                            && events.stream().filter(e -> e.getTopic().endsWith("/ENDED")).count() == 2,
                    () -> topics(events));
            List<Event> source = ofSource(events, report.migrationId());
            List<String> topics = source.stream().map(e -> e.getTopic().substring("io/pagehint/migration/".length())).toList();
            assertThat(topics.get(0)).isEqualTo("STARTED");
            assertThat(topics.subList(topics.size() - 2, topics.size())).containsExactly("HINTS", "ENDED");
            assertThat(topics).contains("PHASE", "ROUND");
            assertThat(source.get(0).getProperty("role")).isEqualTo("source");
            assertThat(source.get(0).getProperty("vm.id")).isEqualTo(files.vmId());
            assertThat(source.stream().filter(e -> e.getTopic().endsWith("/PHASE")).map(e -> e.getProperty("phase")))
                    .containsSubsequence("SETUP", "BULK", "STOP_AND_COPY", "VERIFYING");
            assertThat(source.stream().filter(e -> e.getTopic().endsWith("/ROUND")).map(e -> e.getProperty("round")))
                    .as("ROUND events").startsWith(1).hasSize(report.rounds());

            Event hints = source.get(source.size() - 2);
            assertThat(hints.getProperty("transport")).isEqualTo(HintSource.TRANSPORT_SERIAL);
            assertThat(hints.getProperty("pagesHintedFree")).isEqualTo(report.hints().pagesHintedFree());
            assertThat(hints.getProperty("chunksApplied")).isEqualTo(report.hints().chunksApplied());

            Event ended = source.get(source.size() - 1);
            assertThat(ended.getProperty("outcome")).isEqualTo("completed");
            assertThat(ended.getProperty("succeeded")).isEqualTo(true);
            assertThat(ended.getProperty("bytesOnWire")).isEqualTo(report.bytesOnWire());
            assertThat(ended.getProperty("pagesSent")).isEqualTo(report.pagesSent());
            assertThat(ended.getProperty("pagesSkippedByHints")).isEqualTo(report.pagesSkippedByHints());
            assertThat(ended.getProperty("rounds")).isEqualTo(report.rounds());
            assertThat(ended.getProperty("downtimeMs")).isEqualTo(report.downtime().toNanos() / 1e6);

            assertThat(events).as("the destination's own ENDED")
                    .anyMatch(e -> e.getTopic().endsWith("/ENDED") && "destination".equals(e.getProperty("role"))
                            && Boolean.TRUE.equals(e.getProperty("selfCheck.passed"))
                            && report.migrationId().equals(e.getProperty("migrationId")));

            // no EventAdmin: the same engine migrates the guest (resumed on the source) again
            Bundle eventAdmin = bundle("org.apache.felix.eventadmin");
            eventAdmin.stop();
            try {
                vm.control().resume();
                int before = events.size();
                MigrationReport second = migrate(vm, dir.resolve("second.ram"));
                assertThat(second.outcome()).as(second.failure()).isEqualTo(MigrationPhase.COMPLETED);
                assertThat(events).as("events with no EventAdmin").hasSize(before);
            } finally {
                eventAdmin.start();
            }
        } finally {
            handler.unregister();
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

    /** The source's events of migration {@code id} (the destination's carry the same id: one id at both ends). */
    private static List<Event> ofSource(List<Event> events, String id) {
        return events.stream().filter(e -> id.equals(e.getProperty("migrationId")) && "source".equals(e.getProperty("role")))
                .toList();
    }

    private static String topics(List<Event> events) {
        return events.stream().map(e -> e.getTopic() + "(" + e.getProperty("role") + ")").toList().toString();
    }

    private MigrationReport migrate(VirtualMachine vm, Path ramFile) throws Exception {
        IncomingVm incoming = provisioner.prepareIncoming("incoming-" + ramFile.getFileName(), MACHINE,
                Map.of("ram.file", ramFile.toString()));
        IncomingMigration in = engine.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
        MigrationReport out = engine.migrate(vm, in.address(), MigrationOptions.defaults(), null).await(TIMEOUT);
        in.await(TIMEOUT);
        return out;
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
