package io.pagehint.runtime.command;

import io.pagehint.api.hint.FreePageBitmapRequest;
import io.pagehint.api.hint.HintException;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.DropCacheOption;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.JsonOption;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.hints.HintsReport;
import io.pagehint.runtime.migration.GuestAttachment;
import io.pagehint.runtime.migration.HintChannel;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint hints}: asks a running reference guest for its free pages over one channel,
 * without migrating: its memory info (section 7a of the design note), how long the free-page
 * bitmap took to arrive (7b), and how many pages it hinted free. Attaches the guest as
 * {@code migrate} does (its host adapter and the host end of the channel), asks once, and ends
 * the request (virtio: DONE, so the guest takes its blocks back).
 */
@Command(name = "hints", mixinStandardHelpOptions = true,
        description = "Asks a running reference guest for its free pages over a hint channel, without migrating.")
public final class HintsCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    GuestOptions guestOptions;

    @Option(names = "--channel", required = true, paramLabel = "serial|virtio", description = "The hint channel to ask over.")
    String channel;

    @Option(names = "--channel-socket", required = true, paramLabel = "<socket>",
            description = "Where the host end listens; the guest's driver connects there (its --serial or --virtio).")
    Path channelSocket;

    @Option(names = "--timeout", paramLabel = "<duration>", converter = Durations.class, defaultValue = "30s",
            description = "How long to wait for the guest's answers (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    DropCacheOption dropCacheOption;

    @Mixin
    JsonOption jsonOption;

    public HintsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        HintChannel hintChannel = CliException.usageIfIllegal(() -> new HintChannel(HintChannel.Kind.hinting(channel), channelSocket));
        HintChannel.Kind kind = hintChannel.kind();
        GuestFiles files = guestOptions.files(context);
        String id = files.vmId();
        try (GuestAttachment guest = GuestAttachment.attach(context, files, hintChannel)) {
            HintSource source = guest.hints();
            GuestMemoryLayout layout = guest.vm().layout();
            long staleBefore = source.staleMessagesDropped();
            Optional<GuestMemInfo> info = source.memInfo(timeout);
            try (FreePageBitmapRequest request = source.requestBitmap(new HintRequestOptions(1, dropCacheOption.dropCache()), layout.pfnLimit(),
                    layout.guestPageSize())) {
                request.await(timeout);
                HintsReport report = new HintsReport(id, source.transport(), info, source.pagePoison(), request.status(),
                        request.detail(), request.firstChunkLatency(), request.latency(), request.bitmap().bits().cardinality(),
                        layout.guestPageSize(), source.staleMessagesDropped() - staleBefore);
                if (jsonOption.json()) {
                    Json.print(report.toJson(), context.out());
                } else {
                    report.printText(context.out());
                }
                return report.status() == HintStatus.READY ? 0 : 1;
            }
        } catch (HintException e) {
            throw new CliException("the guest's " + kind.transport() + " channel failed: " + e.getMessage());
        }
    }
}
