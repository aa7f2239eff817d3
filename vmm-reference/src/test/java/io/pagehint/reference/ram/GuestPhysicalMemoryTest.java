package io.pagehint.reference.ram;

import static io.pagehint.reference.testing.TestLayouts.GIB;
import static io.pagehint.reference.testing.TestLayouts.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.BadGuestAddressException;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuestPhysicalMemoryTest {

    private final ShmDir shm = new ShmDir();

    @AfterEach
    void cleanUp() {
        shm.close();
    }

    @Test
    void aDimmOfAGuestWithSixtyFourKibibytePagesStartsOnAWholeDirtyLogWord() throws Exception {
        // QEMU virt: mach-virt.ram of 1 GiB + 2 MiB from 1 GiB, a 2 MiB DIMM; 64 KiB guest pages, so 64 pages are 4 MiB
        GuestMemoryLayout layout = TestLayouts.virt(GIB + 2 * MIB, "guest-page-size=64K", "dimms=2M");
        RamFileLayout file = new RamFileLayout(layout);
        assertThat(file.blockFileOffset(1) % (64 * 64 * 1024)).as("the DIMM's file offset, in whole words of 64 pages").isZero();
        try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout)) {
            long dimm = layout.blocks().get(1).ranges().get(0).guestPhysAddr();
            mem.writeLong(dimm + 64 * 1024 + 8, 42);

            assertThat(mem.dirtyLog().isDirty(1, 1)).as("the DIMM's second page").isTrue();
            assertThat(mem.dirtyLog().countDirty(1)).isEqualTo(1);
            assertThat(mem.dirtyLog().countDirty(0)).isZero();
            assertThat(mem.readLong(dimm + 64 * 1024 + 8)).isEqualTo(42);
        }
    }

    @Test
    void aNewGuestsRamHoldsNoMemoryUntilWritten() throws Exception {
        GuestMemoryLayout layout = TestLayouts.split(3 * GIB, 2 * GIB);
        try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout)) {
            assertThat(Files.size(shm.resolve("ram"))).isEqualTo(3 * GIB);
            assertThat(ShmDir.allocatedBytes(shm.resolve("ram"))).isZero();

            mem.writeLong(4 * GIB + 8, 42);

            assertThat(ShmDir.allocatedBytes(shm.resolve("ram"))).isEqualTo(4096);
            assertThat(mem.readLong(4 * GIB + 8)).isEqualTo(42);
        }
    }

    @Test
    void aWriteIsSeenByASecondMappingAndMarksItsPageInTheLog() throws Exception {
        GuestMemoryLayout layout = TestLayouts.split(3 * GIB, 2 * GIB);
        try (GuestPhysicalMemory guest = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout);
             RamImage host = RamImage.open(shm.resolve("ram"), layout);
             DirtyLogFile hostLog = DirtyLogFile.open(shm.resolve("log"), new RamFileLayout(layout))) {
            // the page at 4 GiB is page 2 GiB / 4 KiB of pc.ram
            long highPage = 2 * GIB / 4096;
            guest.writeBytes(4 * GIB + 4090, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8);

            ByteBuffer view = host.view(0, 2 * GIB + 4090, 8);
            assertThat(view.get(0)).isEqualTo((byte) 1);
            assertThat(view.get(7)).isEqualTo((byte) 8);

            PageBitmap dirty = new PageBitmap(3 * GIB / 4096);
            assertThat(hostLog.harvest(0, dirty)).as("the write straddles two pages").isEqualTo(2);
            assertThat(dirty.get(highPage)).isTrue();
            assertThat(dirty.get(highPage + 1)).isTrue();
            assertThat(hostLog.harvest(0, new PageBitmap(3 * GIB / 4096))).as("a harvest takes the bits").isZero();
        }
    }

    @Test
    void addressesOutsideRamAreRefused() throws Exception {
        GuestMemoryLayout layout = TestLayouts.split(3 * GIB, 2 * GIB);
        try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout)) {
            assertThatThrownBy(() -> mem.writeLong(3 * GIB, 1)).as("in the PCI hole").isInstanceOf(BadGuestAddressException.class);
            assertThatThrownBy(() -> mem.writeLong(5 * GIB, 1)).as("above RAM").isInstanceOf(BadGuestAddressException.class);
            assertThatThrownBy(() -> mem.writeBytes(2 * GIB - 4, new byte[8], 0, 8)).as("running into the hole")
                    .isInstanceOf(BadGuestAddressException.class);
            assertThatThrownBy(() -> mem.readLong(Long.MAX_VALUE - 3)).as("overflowing").isInstanceOf(BadGuestAddressException.class);
            assertThat(mem.isRam(2 * GIB - 8, 8)).isTrue();
            assertThat(mem.isRam(2 * GIB - 8, 16)).isFalse();
        }
    }

    @Test
    void holesAreFoundWithoutReadingThePages() throws Exception {
        GuestMemoryLayout layout = TestLayouts.small(64 * MIB);
        try (GuestPhysicalMemory guest = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout);
             RamImage host = RamImage.open(shm.resolve("ram"), layout)) {
            guest.writeByte(5 * 4096 + 17, (byte) 1);
            guest.fill(100 * 4096, 3 * 4096, (byte) 0xaa);

            PageBitmap unbacked = new PageBitmap(64 * MIB / 4096);
            long marked = host.markHoles(0, 0, 64 * MIB / 4096, unbacked);

            assertThat(marked).isEqualTo(64 * MIB / 4096 - 4);
            assertThat(unbacked.get(5)).isFalse();
            assertThat(unbacked.get(100)).isFalse();
            assertThat(unbacked.get(102)).isFalse();
            assertThat(unbacked.get(103)).isTrue();
            assertThat(ShmDir.allocatedBytes(shm.resolve("ram"))).as("markHoles populated nothing").isEqualTo(4 * 4096);
        }
    }

    @Test
    void holesAmongDataAreFoundInAWindowWithoutTouchingWhatLiesAroundIt() throws Exception {
        GuestMemoryLayout layout = TestLayouts.small(64 * MIB);
        try (GuestPhysicalMemory guest = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout);
             RamImage host = RamImage.open(shm.resolve("ram"), layout)) {
            // every third page written across more pages than one residency question covers
            long written = 0;
            for (long p = 1000; p < 10_000; p += 3) {
                guest.writeByte(p * 4096, (byte) 1);
                written++;
            }

            PageBitmap unbacked = new PageBitmap(64 * MIB / 4096);
            long marked = host.markHoles(0, 2001, 9500, unbacked);

            for (long p = 0; p < 64 * MIB / 4096; p++) {
                boolean inWindow = p >= 2001 && p < 9500;
                boolean hole = p < 1000 || p >= 10_000 || (p - 1000) % 3 != 0;
                assertThat(unbacked.get(p)).as("page " + p).isEqualTo(inWindow && hole);
            }
            assertThat(marked).isEqualTo(unbacked.cardinality());
            assertThat(ShmDir.allocatedBytes(shm.resolve("ram"))).as("markHoles populated nothing").isEqualTo(written * 4096);
        }
    }

    @Test
    void holesAreFoundInGuestPagesLargerThanTheHostsPages() throws Exception {
        GuestMemoryLayout layout = TestLayouts.virt(1024 * MIB, "guest-page-size=64K");
        int pageSize = layout.guestPageSize();
        long pages = layout.blocks().get(0).pages(pageSize);
        try (GuestPhysicalMemory guest = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout);
             RamImage host = RamImage.open(shm.resolve("ram"), layout)) {
            long gpa = layout.blocks().get(0).ranges().get(0).guestPhysAddr();
            // one byte in the last 4 KiB of guest page 3, and in the first of guest page 6000 (beyond one residency question)
            guest.writeByte(gpa + 4L * pageSize - 1, (byte) 1);
            guest.writeByte(gpa + 6000L * pageSize, (byte) 1);

            PageBitmap unbacked = new PageBitmap(pages);
            long marked = host.markHoles(0, 0, pages, unbacked);

            assertThat(marked).isEqualTo(pages - 2);
            assertThat(unbacked.get(3)).isFalse();
            assertThat(unbacked.get(6000)).isFalse();
            assertThat(unbacked.get(2)).isTrue();
            assertThat(unbacked.get(4)).isTrue();
        }
    }

    @Test
    void aClosedMappingNoLongerHoldsTheFileAndStaleViewsReadZeros() throws Exception {
        GuestMemoryLayout layout = TestLayouts.small(64 * MIB);
        GuestPhysicalMemory guest = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout);
        guest.writeLong(8 * 4096, 7);
        ByteBuffer stale = guest.view(0, 8 * 4096, 8);
        guest.close();

        assertThat(stale.getLong(0)).isZero();
        assertThatThrownBy(() -> guest.view(0, 0, 8)).isInstanceOf(IllegalStateException.class);
        try (RamImage again = RamImage.open(shm.resolve("ram"), layout)) {
            assertThat(again.readLong(8 * 4096)).as("the file keeps what was written").isEqualTo(7);
        }
    }

    @Test
    void noWriteIsLostAgainstAConcurrentHarvest() throws Exception {
        GuestMemoryLayout layout = TestLayouts.small(64 * MIB);
        int pages = 8;
        long base = 16 * MIB;
        try (GuestPhysicalMemory guest = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("log"), layout);
             RamImage host = RamImage.open(shm.resolve("ram"), layout);
             DirtyLogFile hostLog = DirtyLogFile.open(shm.resolve("log"), new RamFileLayout(layout))) {
            long[] lastWritten = new long[pages];
            AtomicBoolean done = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (long v = 1; v <= 200_000; v++) {
                    int p = (int) (v % pages);
                    guest.writeLong(base + p * 4096L, v);
                    lastWritten[p] = v;
                }
                done.set(true);
            });
            long[] lastSent = new long[pages];
            writer.start();
            // the host: harvest, then "send" (read) every page the harvest found dirty
            boolean finalRound = false;
            while (!finalRound) {
                finalRound = done.get();
                PageBitmap dirty = new PageBitmap(64 * MIB / 4096);
                hostLog.harvest(0, dirty);
                for (int p = 0; p < pages; p++) {
                    if (dirty.get(base / 4096 + p)) {
                        lastSent[p] = host.readLong(base + p * 4096L);
                    }
                }
            }
            writer.join();
            assertThat(lastSent).as("the last copy sent of each page is its last write").isEqualTo(lastWritten);
        }
    }
}
