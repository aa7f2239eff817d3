package io.pagehint.qemu.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RAM file read through views, including views across the half-window boundaries (sparse files). */
class QemuRamFileTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static GuestMemoryLayout layout(long size) {
        long low = Math.min(size, 2 * GIB);
        List<RamRange> ranges = size > low ? List.of(new RamRange(0, low, 0), new RamRange(4 * GIB, size - low, low))
                : List.of(new RamRange(0, low, 0));
        return new GuestMemoryLayout("x86_64", "q35", 4096, List.of(new RamBlock(0, "pc.ram", size, 4096, ranges)), List.of());
    }

    private Path sparse(long size, long... stamps) throws IOException {
        Path f = dir.resolve("ram");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(size);
            for (long at : stamps) {
                r.seek(at);
                r.writeLong(at ^ 0x5a5a5a5a5a5a5a5aL);
            }
        }
        return f;
    }

    @Test
    void viewsReadTheFileAtTheirOffsetAnywhereIncludingAcrossHalfWindows() throws Exception {
        long size = 3 * GIB;
        long[] stamps = {0, QemuRamFile.MAX_VIEW_BYTES - 8, QemuRamFile.MAX_VIEW_BYTES, 2 * GIB, size - 8};
        try (QemuRamFile ram = QemuRamFile.open(sparse(size, stamps), layout(size))) {
            for (long at : stamps) {
                ByteBuffer v = ram.view(0, at, 8);
                assertThat(v.isReadOnly()).isTrue();
                assertThat(Long.reverseBytes(v.getLong(0))).as("at " + at).isEqualTo(at ^ 0x5a5a5a5a5a5a5a5aL);
            }
            // one view as long as allowed, starting just before a half window ends
            ByteBuffer across = ram.view(0, QemuRamFile.MAX_VIEW_BYTES - 8, QemuRamFile.MAX_VIEW_BYTES);
            assertThat(Long.reverseBytes(across.getLong(8))).isEqualTo(QemuRamFile.MAX_VIEW_BYTES ^ 0x5a5a5a5a5a5a5a5aL);
        }
    }

    @Test
    void aFileThatIsNotTheGuestsRamIsRefusedWithItsSizes() throws Exception {
        Path f = sparse(GIB);
        assertThatThrownBy(() -> QemuRamFile.open(f, layout(2 * GIB))).isInstanceOf(IOException.class)
                .hasMessageContaining("holds " + GIB + " bytes").hasMessageContaining("pc.ram is " + 2 * GIB);
    }

    @Test
    void viewsOutsideRamOrTooLongAreRefused() throws Exception {
        try (QemuRamFile ram = QemuRamFile.open(sparse(GIB), layout(GIB))) {
            assertThatThrownBy(() -> ram.view(0, GIB - 4096, 8192)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> ram.view(0, 0, QemuRamFile.MAX_VIEW_BYTES + 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> ram.view(1, 0, 4096)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
