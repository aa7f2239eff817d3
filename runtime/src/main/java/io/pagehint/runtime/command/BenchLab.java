package io.pagehint.runtime.command;

import com.google.gson.JsonObject;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.benche2e.MigrationLab;
import io.pagehint.reference.control.GuestStatus;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.migration.GuestAttachment;
import io.pagehint.runtime.migration.HintChannel;
import io.pagehint.runtime.process.DestinationRun;
import io.pagehint.runtime.process.GuestRun;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's migrations, wired the way {@code pagehint demo} wires its own: guest and
 * destination processes from this pagehint.jar ({@link GuestRun}, {@link DestinationRun}) in one
 * work folder, guests attached to this runtime with {@link GuestAttachment}.
 */
final class BenchLab implements MigrationLab {

    private final CliContext context;
    private final Path work;

    BenchLab(CliContext context, Path work) {
        this.context = context;
        this.work = work;
    }

    @Override
    public Path work() {
        return work;
    }

    @Override
    public Guest startGuest(String name, MachineSpec machine, String channel, List<String> guestArgs, List<String> jvmArgs)
            throws IOException {
        HintChannel.Kind kind = HintChannel.Kind.of(channel == null ? "none" : channel);
        GuestRun run = GuestRun.start(work, name, machine, kind == null ? null : kind.cliName(), guestArgs, jvmArgs);
        return new Guest() {
            @Override
            public long pid() {
                return run.process().process().pid();
            }

            @Override
            public Path ramFile() {
                return run.files().ramFile();
            }

            @Override
            public GuestStatus awaitSettled(Duration timeout) throws IOException, InterruptedException {
                return run.awaitSettled(timeout);
            }

            @Override
            public GuestStatus status() throws IOException {
                return run.status();
            }

            @Override
            public Attachment attach() {
                GuestAttachment attached = GuestAttachment.attach(context, run.files(),
                        kind == null ? null : new HintChannel(kind, run.channelSocket()));
                return new Attachment() {
                    @Override
                    public VirtualMachine vm() {
                        return attached.vm();
                    }

                    @Override
                    public String hintTransport() {
                        return kind == null ? null : kind.transport();
                    }

                    @Override
                    public void close() {
                        attached.close();
                    }
                };
            }

            @Override
            public void close() {
                run.close();
            }
        };
    }

    @Override
    public Destination startDestination(String name, MachineSpec machine, List<String> jvmArgs, List<String> receiveArgs)
            throws IOException, InterruptedException {
        DestinationRun run = DestinationRun.start(work, name, machine, jvmArgs, receiveArgs);
        return new Destination() {
            private JsonObject report;

            @Override
            public long pid() {
                return run.process().process().pid();
            }

            @Override
            public InetSocketAddress address() {
                return run.address();
            }

            @Override
            public Path ramFile() {
                return run.ramFile();
            }

            @Override
            public int await(Duration timeout) throws IOException, InterruptedException {
                DestinationRun.Result r = run.await(timeout);
                report = r.report();
                return r.exitCode();
            }

            @Override
            public JsonObject report() {
                return report;
            }

            @Override
            public void close() {
                run.close();
            }
        };
    }
}
