package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.runtime.process.DestinationRun;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad streams sent to {@code pagehint receive}, as a client written from docs/STREAM.md sends
 * them: each is refused with one clear line at the console and no Java stack trace (those go to a
 * debug log only), and no RAM file is left.
 */
class HostileStreamIT extends EndToEnd {

    @Test
    void aStreamWithABadMagicGetsOneClearLineAndNoTrace() throws Exception {
        byte[] junk = new byte[32];
        System.arraycopy("NOTMIGRT".getBytes(StandardCharsets.US_ASCII), 0, junk, 0, 8);
        String errors = send("bad-magic", junk);
        assertThat(errors).contains("bad magic").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aStreamCutAfterItsHeaderGetsOneClearLineAndNoTrace() throws Exception {
        ByteBuffer header = ByteBuffer.allocate(32).put("PGHTMIGR".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 1).putShort((short) 32).putInt(0).putLong(7).putLong(8);
        String errors = send("cut", header.array());
        assertThat(errors).contains("closed").doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** Sends {@code bytes} to a fresh destination, closes, and returns what it printed on stderr. */
    private static String send(String name, byte[] bytes) throws Exception {
        try (DestinationRun destination = DestinationRun.start(migrations.dir, name + "-destination", Migrations.SMALL_Q35, List.of())) {
            try (Socket s = new Socket(destination.address().getAddress(), destination.address().getPort())) {
                OutputStream o = s.getOutputStream();
                o.write(bytes);
                o.flush();
            }
            DestinationRun.Result r = destination.await(Duration.ofMinutes(1));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(destination.ramFile()).doesNotExist();
            assertThat(destination.ramFile().resolveSibling(destination.ramFile().getFileName() + ".incomplete")).doesNotExist();
            return destination.process().errors();
        }
    }
}
