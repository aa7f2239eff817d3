package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmProvisioner;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestRun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The Gogo commands as an operator of a framework (Karaf, a plain Felix) meets them: each says what
 * it does to the shell's help, and {@code pagehint:migrate --vm <id>} migrates a guest configured
 * through Configuration Admin (here: by the test, as {@code etc/*.cfg} would) with its configured
 * hint channel, leaving the configuration as it found it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfiguredGuestCommandsIT extends InFramework {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final MachineSpec MACHINE = new MachineSpec("x86_64", "q35", 128L << 20);

    @Inject
    CommandProcessor gogo;

    @Inject
    MigrationService engine;

    @Inject
    ConfigurationAdmin configurations;

    @Inject
    VmProvisioner provisioner;

    @Test
    public void everyCommandDescribesItselfToTheShellsHelp() throws Exception {
        List<String> undescribed = new ArrayList<>();
        int commands = 0;
        for (ServiceReference<Function> r : context.getServiceReferences(Function.class, "(osgi.command.scope=pagehint)")) {
            commands++;
            Object name = r.getProperty("osgi.command.function");
            Object description = r.getProperty("osgi.command.description");
            if (!(description instanceof String d) || d.isBlank() || d.equals(name) || d.length() < 20) {
                undescribed.add(name + ": " + description);
            }
        }
        assertThat(commands).as("pagehint Gogo commands").isGreaterThanOrEqualTo(5);
        assertThat(undescribed).as("commands without a description").isEmpty();
        assertThat(context.getServiceReferences(Function.class, "(&(osgi.command.scope=pagehint)(osgi.command.function=migrate))"))
                .singleElement().extracting(r -> r.getProperty("osgi.command.description"))
                .isEqualTo("Migrates a running guest to a destination, skipping the pages it hints free.");
    }

    @Test
    public void migrateVmUsesTheGuestAndChannelConfigurationAdminHasAndLeavesThem() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-configured-");
        List<Configuration> configs = new ArrayList<>();
        try (GuestRun guest = GuestRun.start(dir, "configured", MACHINE, "serial",
                List.of("--workload", "used-then-freed", "--size", "96M"), List.of())) {
            guest.awaitSettled(TIMEOUT);
            GuestFiles files = guest.files();
            configs.add(factoryConfiguration(GuestFiles.ADAPTER_FACTORY_PID, files.adapterConfiguration()));
            configs.add(factoryConfiguration("io.pagehint.channel.serial", Map.of("vm.id", files.vmId(),
                    "vm.target", "(vm.id=" + files.vmId() + ")", "socket.path", guest.channelSocket().toString())));
            awaitService(HintSource.class, "(vm.id=" + files.vmId() + ")");

            IncomingVm incoming = provisioner.prepareIncoming("incoming", MACHINE, Map.of("ram.file", dir.resolve("in.ram").toString()));
            IncomingMigration in = engine.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            String out;
            try {
                out = gogo("pagehint:migrate --vm " + files.vmId() + " --to 127.0.0.1:" + in.address().getPort() + " --json");
            } catch (AssertionError e) {
                in.cancel();
                throw e;
            }
            MigrationReport received = in.await(TIMEOUT);

            JsonObject report = JsonParser.parseString(out).getAsJsonObject();
            assertThat(report.get("succeeded").getAsBoolean()).as(out).isTrue();
            assertThat(report.getAsJsonObject("hints").get("transport").getAsString()).isEqualTo(HintSource.TRANSPORT_SERIAL);
            assertThat(report.get("pagesSkippedByHints").getAsLong()).as("hints used").isGreaterThan(10_000);
            assertThat(received.succeeded()).as(received.failure()).isTrue();
            for (Configuration c : configs) {
                assertThat(configurations.listConfigurations("(service.pid=" + c.getPid() + ")"))
                        .as("configuration " + c.getPid() + " is still there").hasSize(1);
            }
            assertThat(context.getServiceReferences(VirtualMachine.class, "(vm.id=" + files.vmId() + ")"))
                    .as("the configured guest is still attached").hasSize(1);

            assertThat(gogoErr("pagehint:migrate --vm " + files.vmId() + " --to 127.0.0.1:1 --ram-file /x"))
                    .contains("--vm names a configured guest");
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

    /** What {@code commandLine} printed on its output; fails with what it printed on its errors if that is nothing. */
    private String gogo(String commandLine) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), out, err)) {
            session.execute(commandLine);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        if (printed.isBlank()) {
            throw new AssertionError(commandLine + " printed nothing; errors: " + err.toString(StandardCharsets.UTF_8));
        }
        return printed;
    }

    private String gogoErr(String commandLine) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // never System.out here: inside the framework Gogo has replaced it with a stream into the session
        try (CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8))) {
            session.execute(commandLine);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
