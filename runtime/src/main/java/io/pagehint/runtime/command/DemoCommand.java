package io.pagehint.runtime.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.runtime.cli.ByteSizeConverter;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.GuestMachineOptions;
import io.pagehint.runtime.cli.JsonOption;
import io.pagehint.runtime.cli.ProcessOnly;
import io.pagehint.runtime.cli.WorkFolderOptions;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.GuestAttachment;
import io.pagehint.runtime.migration.HintChannel;
import io.pagehint.runtime.migration.ProgressLine;
import io.pagehint.runtime.migration.ReportJson;
import io.pagehint.runtime.migration.ReportText;
import io.pagehint.runtime.process.DestinationRun;
import io.pagehint.runtime.process.GuestRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint demo}: the product in one command. Two identical guests (same workload, same
 * seed) each in their own process; each migrated from this runtime to a destination process over
 * loopback TCP, the first without hints, the second with them; both destinations check their guest.
 * Prints the two reports side by side.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts a guest that used and freed most of its memory, migrates it to a destination process "
                + "over loopback TCP without hints and (an identical guest) with them, and prints both reports.")
public final class DemoCommand implements Callable<Integer>, ProcessOnly {

    private final CliContext context;

    @Mixin
    GuestMachineOptions machine;

    @Option(names = "--workload", defaultValue = "used-then-freed", paramLabel = "<workload>",
            description = "The guest's workload: idle, churn, hog, used-then-freed, page-cache (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--size", paramLabel = "<size>", converter = ByteSizeConverter.class,
            description = "What used-then-freed and page-cache fill (default: three quarters of RAM).")
    Long size;

    @Option(names = "--channel", defaultValue = "serial", paramLabel = "serial|virtio",
            description = "The hint channel of the hinted run (default: ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--guest-option", paramLabel = "<arg>",
            description = "Another pagehint guest option for both guests (--init-on-alloc, --vcpus=2, ...); repeatable.")
    List<String> guestOptions = new ArrayList<>();

    @Mixin
    WorkFolderOptions workFolder;

    @Mixin
    JsonOption jsonOption;

    public DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        HintChannel.Kind kind = CliException.usageIfIllegal(() -> HintChannel.Kind.hinting(channel));
        MachineSpec spec = machine.spec(context);
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        Path work = workFolder.create("pagehint-demo-");
        try {
            context.err().println("work folder " + work + "; guests: " + machine.machine() + ", " + ReportText.bytes(machine.ram())
                    + " RAM, workload " + workload);
            Run legacy = migrate(engine, work, spec, null, "legacy");
            Run hinted = migrate(engine, work, spec, kind, "hinted");
            print(legacy, hinted);
            return legacy.succeeded() && hinted.succeeded() ? 0 : 1;
        } finally {
            workFolder.finish(context, work);
        }
    }

    /** One guest, one destination, one migration. */
    private record Run(String name, MigrationReport source, DestinationRun.Result destination) {
        boolean succeeded() {
            return source.succeeded() && destination.exitCode() == 0;
        }
    }

    private Run migrate(MigrationService engine, Path work, MachineSpec spec, HintChannel.Kind kind, String name)
            throws IOException, InterruptedException {
        String transport = kind == null ? null : kind.cliName();
        context.err().println(name + ": starting the guest and the destination");
        context.err().flush();
        try (GuestRun guest = GuestRun.start(work, name + "-guest", spec, transport, guestArgs(), List.of());
             DestinationRun destination = DestinationRun.start(work, name + "-destination", spec, List.of())) {
            guest.awaitSettled(Duration.ofMinutes(10));
            HintChannel hints = kind == null ? null : new HintChannel(kind, guest.channelSocket());
            try (GuestAttachment attached = GuestAttachment.attach(context, guest.files(), hints)) {
                MigrationOptions options = MigrationOptions.builder().useHints(kind != null)
                        .hintTransport(kind == null ? null : kind.transport()).build();
                MigrationReport report = engine.migrate(attached.vm(), destination.address(), options,
                        jsonOption.json() ? null : new ProgressLine(context.err(), System.console() != null)).await(Duration.ofHours(1));
                return new Run(name, report, destination.await(Duration.ofMinutes(10)));
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CliException(name + " migration did not end within an hour");
        }
    }

    private List<String> guestArgs() {
        List<String> args = new ArrayList<>(List.of("--workload", workload));
        if (workload.equals("used-then-freed") || workload.equals("page-cache")) {
            args.addAll(List.of("--size", Long.toString(size != null ? size : machine.ram() / 4 * 3)));
        }
        args.addAll(guestOptions);
        return args;
    }

    private void print(Run legacy, Run hinted) {
        if (jsonOption.json()) {
            JsonObject o = new JsonObject();
            JsonArray runs = new JsonArray();
            for (Run r : List.of(legacy, hinted)) {
                JsonObject x = new JsonObject();
                x.addProperty("name", r.name());
                x.add("source", ReportJson.of(r.source()));
                x.addProperty("destinationExitCode", r.destination().exitCode());
                x.add("destination", r.destination().report());
                runs.add(x);
            }
            o.add("runs", runs);
            Json.print(o, context.out());
            return;
        }
        context.out().println();
        ReportText.printSideBySide(List.of("without hints", "with hints (" + hinted.source().hints().transport() + ")"),
                List.of(legacy.source(), hinted.source()), context.out());
        context.out().printf(Locale.ROOT, "%nwith hints / without: total time %.3f, bytes on the wire %.3f, pages sent %.3f%n",
                ratio(hinted.source().totalTime().toNanos(), legacy.source().totalTime().toNanos()),
                ratio(hinted.source().bytesOnWire(), legacy.source().bytesOnWire()),
                ratio(hinted.source().pagesSent(), legacy.source().pagesSent()));
        for (Run r : List.of(legacy, hinted)) {
            context.out().println(r.name() + " destination: " + (r.destination().exitCode() == 0
                    ? "the guest arrived whole (self-check passed)" : "FAILED (exit " + r.destination().exitCode() + ")"));
        }
        context.out().flush();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
