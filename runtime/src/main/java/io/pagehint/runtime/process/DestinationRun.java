package io.pagehint.runtime.process;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.migration.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A destination in its own process ({@code pagehint receive --json}), listening on a free loopback port. */
public final class DestinationRun implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("^listening on (\\S+)$", Pattern.MULTILINE);

    private final PagehintProcess process;
    private final InetSocketAddress address;
    private final Path ramFile;

    private DestinationRun(PagehintProcess process, InetSocketAddress address, Path ramFile) {
        this.process = process;
        this.address = address;
        this.ramFile = ramFile;
    }

    public static DestinationRun start(Path dir, String name, MachineSpec machine, List<String> jvmArgs)
            throws IOException, InterruptedException {
        return start(dir, name, machine, jvmArgs, List.of());
    }

    /** @param receiveArgs more {@code receive} options ({@code --tls-creds DIR}, say) */
    public static DestinationRun start(Path dir, String name, MachineSpec machine, List<String> jvmArgs,
                                       List<String> receiveArgs) throws IOException, InterruptedException {
        Path ram = dir.resolve(name + ".ram");
        List<String> args = new ArrayList<>(List.of("receive", "--listen", "127.0.0.1:0", "--json", "--vm-id", name,
                "--ram-file", ram.toString()));
        args.addAll(PagehintProcess.machineArgs(machine));
        args.addAll(receiveArgs);
        PagehintProcess p = PagehintProcess.start(dir, name, jvmArgs, args);
        try {
            String where = p.awaitErrors(LISTENING, Duration.ofSeconds(60)).group(1);
            return new DestinationRun(p, HostPort.parse(where), ram);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public Path ramFile() {
        return ramFile;
    }

    public PagehintProcess process() {
        return process;
    }

    /** Waits for the destination to end; returns its exit code and its JSON report. */
    public Result await(Duration timeout) throws IOException, InterruptedException {
        int code = process.await(timeout);
        String out = process.output();
        int json = out.indexOf('{');
        JsonObject report = json < 0 ? null : JsonParser.parseString(out.substring(json)).getAsJsonObject();
        return new Result(code, report);
    }

    /** How the destination ended. */
    public record Result(int exitCode, JsonObject report) {
    }

    @Override
    public void close() {
        process.close();
    }
}
