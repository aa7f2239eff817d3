package io.pagehint.channel.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateSocketFileTest {

    @TempDir
    Path dir;

    @Test
    void theSocketIsOwnerOnlyAndNoStagingDirectoryIsLeft() throws IOException {
        Path path = dir.resolve("port.sock");
        try (PrivateSocketFile s = PrivateSocketFile.bind(path)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            try (var listing = Files.list(dir)) {
                assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("port.sock");
            }
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertThat(c.connect(UnixDomainSocketAddress.of(path))).isTrue();
            }
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void aLeftoverSocketIsReplacedButAnythingElseIsNot() throws IOException {
        Path path = dir.resolve("port.sock");
        PrivateSocketFile first = PrivateSocketFile.bind(path);
        first.server().close(); // a crashed earlier run: its socket file stays
        assertThat(path).exists();
        try (PrivateSocketFile second = PrivateSocketFile.bind(path)) {
            assertThat(second.path()).exists();
            first.close(); // the old owner must not remove the new socket
            assertThat(path).exists();
        }
        Path regular = Files.writeString(dir.resolve("data"), "keep me");
        assertThatThrownBy(() -> PrivateSocketFile.bind(regular)).isInstanceOf(IOException.class).hasMessageContaining("not a socket");
        assertThat(regular).hasContent("keep me");
    }
}
