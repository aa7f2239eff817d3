package io.pagehint.qemu.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a scripted QMP server on a real UNIX socket. */
class QmpClientTest {

    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}";

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    /** Serves one client: the greeting, then for each command line the answer {@code script} gives (null: hang up). */
    private Path serve(String greeting, Function<String, String> script) throws IOException {
        Path socket = dir.resolve("qmp.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (SocketChannel c = server.accept()) {
                OutputStream out = Channels.newOutputStream(c);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                out.write((greeting + "\r\n").getBytes(StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    String answer = script.apply(line);
                    if (answer == null) {
                        return;
                    }
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the client went away
            }
        });
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static String id(String line) {
        return com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("id").getAsString();
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void negotiatesThenRunsCommandsSkippingEvents() throws Exception {
        Path socket = serve(GREETING, line -> {
            if (line.contains("query-status")) {
                return "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
                        + "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": \"" + id(line) + "\"}\r\n";
            }
            return "{\"return\": {}, \"id\": \"" + id(line) + "\"}\r\n";
        });
        try (QmpClient c = QmpClient.connect(socket, Duration.ofSeconds(10))) {
            c.execute("stop", null);
            assertThat(c.status()).isEqualTo("paused");
        }
        assertThat(received).hasSize(3);
        assertThat(received.get(0)).contains("\"execute\":\"qmp_capabilities\"");
        assertThat(received.get(1)).contains("\"execute\":\"stop\"");
    }

    @Test
    void anErrorIsOneLineWithItsClassAndDescription() throws Exception {
        Path socket = serve(GREETING, line -> line.contains("qmp_capabilities")
                ? "{\"return\": {}, \"id\": \"" + id(line) + "\"}\n"
                : "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nope has not been found\"}, \"id\": \"" + id(line) + "\"}\n");
        try (QmpClient c = QmpClient.connect(socket, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> c.execute("nope", null)).isInstanceOf(QmpException.class)
                    .hasMessage("QMP nope failed: CommandNotFound: The command nope has not been found");
        }
    }

    @Test
    void aPeerThatIsNotQmpIsRefusedInOneLine() throws Exception {
        Path socket = serve("{\"hello\": 1}", line -> null);
        assertThatThrownBy(() -> QmpClient.connect(socket, Duration.ofSeconds(10))).isInstanceOf(QmpException.class)
                .hasMessageContaining("did not greet with QMP").hasMessageNotContaining("\n");
    }

    @Test
    void qemuGoingAwayIsOneLineNotAHang() throws Exception {
        Path socket = serve(GREETING, line -> line.contains("qmp_capabilities") ? "{\"return\": {}}\n" : null);
        try (QmpClient c = QmpClient.connect(socket, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> c.execute("cont", null)).isInstanceOf(QmpException.class)
                    .hasMessageStartingWith("QEMU closed its QMP socket");
            assertThat(c.isOpen()).isFalse();
        }
    }

    @Test
    void noSocketIsOneLine() {
        assertThatThrownBy(() -> QmpClient.connect(dir.resolve("absent.sock"), Duration.ofSeconds(1)))
                .isInstanceOf(QmpException.class).hasMessageStartingWith("cannot connect to QEMU's QMP socket");
    }
}
