package io.pagehint.guest.kernel;

import static io.pagehint.guest.testing.GuestProcessHandle.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.testing.GuestProcessHandle;
import io.pagehint.reference.ram.RamFileLayout;
import io.pagehint.reference.ram.RamImage;
import io.pagehint.reference.testing.TestLayouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/** {@code guest-check} as its own process, on the RAM a guest process left behind. */
class SelfCheckAcrossProcessesIT {

    private static final GuestMemoryLayout LAYOUT = TestLayouts.x86(new MachineSpec("x86_64", "q35", 64L << 20));

    @Test
    void theCheckPassesOnTheGuestsRamAndNamesTheFlippedByteOnceCorrupted() throws Exception {
        try (GuestProcessHandle guest = GuestProcessHandle.start("64M", "--workload", "churn", "--rate", "4000", "--vcpus", "2")) {
            waitFor(() -> ops(guest) > 3000, "the guest to churn");
            assertThat(guest.quit()).isZero();

            GuestProcessHandle.CheckRun healthy = guest.check();
            assertThat(healthy.exitCode()).as(healthy.output()).isZero();
            assertThat(healthy.output()).contains("self-check passed: 16384 pages checked");

            long pfn = aWrittenAnonymousPage(guest);
            flipByte(guest, (pfn << 12) + 777);

            GuestProcessHandle.CheckRun broken = guest.check();
            assertThat(broken.exitCode()).isEqualTo(1);
            assertThat(broken.output()).contains("self-check FAILED").contains("1 mismatches")
                    .contains("PFN 0x" + Long.toHexString(pfn) + " (anonymous");
            GuestProcessHandle.CheckRun json = guest.check("--json");
            assertThat(json.exitCode()).isEqualTo(1);
            assertThat(json.output()).contains("\"passed\":false").contains("\"mismatches\":1");
        }
    }

    /** An anonymous page whose content the guest wrote (its checksum is valid), found in the RAM file. */
    private static long aWrittenAnonymousPage(GuestProcessHandle guest) throws IOException {
        try (RamImage ram = RamImage.open(guest.ramFile(), LAYOUT)) {
            KernelGeometry geo = BootHeader.read(ram, LAYOUT).geometry();
            MemMap memmap = new MemMap(ram.region(geo.memmapGpa(), geo.memmapBytes()));
            for (long idx = geo.totalPages() - 1; idx >= 0; idx--) {
                long w = memmap.word0(idx);
                if (MemMap.state(w) == MemMap.ANON && (MemMap.flags(w) & MemMap.CONTENT_KNOWN) != 0) {
                    return geo.pfn(idx);
                }
            }
        }
        throw new IllegalStateException("the guest wrote no anonymous page");
    }

    private static void flipByte(GuestProcessHandle guest, long gpa) throws IOException {
        long at = new RamFileLayout(LAYOUT).fileOffset(gpa, 1);
        try (FileChannel ch = FileChannel.open(guest.ramFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, at);
        }
    }

    private static long ops(GuestProcessHandle g) {
        try {
            return g.status().operations();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
