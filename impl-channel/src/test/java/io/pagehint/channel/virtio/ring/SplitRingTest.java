package io.pagehint.channel.virtio.ring;

import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.SharedGuestRam;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A driver and a device on one split virtqueue in shared guest RAM, and a device that catches a lying driver. */
class SplitRingTest {

    private static final long RING = 0x200000;

    @TempDir
    Path dir;

    private SharedGuestRam driverView;
    private SharedGuestRam deviceView;
    private SplitRingLayout layout;
    private DriverVirtqueue<String> driver;

    @BeforeEach
    void setUp() throws IOException {
        Path ram = dir.resolve("ram");
        driverView = SharedGuestRam.map(ram, Layouts.flat(16 * MiB));
        deviceView = SharedGuestRam.map(ram, Layouts.flat(16 * MiB)); // a second mapping, as the other process has
        layout = SplitRingLayout.contiguous(RING, 8);
        driver = new DriverVirtqueue<>(driverView, layout);
    }

    @Test
    void theLayoutFollowsTheSpecificationsSizesAndAlignments() {
        assertThat(SplitRingLayout.contiguousBytes(1024)).isEqualTo(16 * 1024 + 6 + 2 * 1024 + 2 + 6 + 8 * 1024);
        SplitRingLayout l = SplitRingLayout.contiguous(0x1000, 1024);
        assertThat(l.availRing()).isEqualTo(0x1000 + 16 * 1024);
        assertThat(l.usedRing() % 4).isZero();
        assertThatThrownBy(() -> new SplitRingLayout(12, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SplitRingLayout(8, 8, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buffersTheDriverAddsReachTheDeviceAndComeBackUsed() throws Exception {
        DeviceVirtqueue device = new DeviceVirtqueue(deviceView, layout);
        assertThat(driver.add(0x400000, 4 * (int) MiB, true, "block")).isTrue();
        assertThat(driver.add(0x300000, 4, false, "cmd")).isTrue();
        DeviceVirtqueue early = new DeviceVirtqueue(deviceView, layout);
        assertThat(early.pending()).as("nothing is available before publish").isZero();
        driver.publish();
        assertThat(driver.freeSlots()).isEqualTo(6);
        assertThat(driver.needsNotify()).isTrue();

        assertThat(device.pending()).isEqualTo(2);
        DescriptorChain first = device.pop();
        assertThat(first.descriptors()).containsExactly(new Descriptor(0x400000, 4 * MiB, SplitRingLayout.DESC_F_WRITE));
        DescriptorChain second = device.pop();
        assertThat(second.descriptors().get(0).writable()).isFalse();
        device.pushUsed(second.head(), 0);
        assertThat(driver.takeUsed()).as("not published yet").isNull();
        device.publishUsed();
        assertThat(driver.takeUsed()).isEqualTo("cmd");
        assertThat(driver.takeUsed()).isNull();
        assertThat(driver.freeSlots()).isEqualTo(7);
    }

    @Test
    void theDeviceCanAskForNoNotificationsAndTheDriverForNoInterrupts() throws Exception {
        DeviceVirtqueue device = new DeviceVirtqueue(deviceView, layout);
        device.suppressNotifications(true);
        driver.add(0x400000, 4096, true, "x");
        driver.publish();
        assertThat(driver.needsNotify()).isFalse();
        device.suppressNotifications(false);
        assertThat(driver.needsNotify()).isTrue();
        driver.suppressInterrupts(true);
        assertThat(device.interruptsSuppressed()).isTrue();
        driver.suppressInterrupts(false);
        assertThat(device.interruptsSuppressed()).isFalse();
    }

    @Test
    void aQueueWhoseRingsAreNotRamIsRefused() {
        assertThatThrownBy(() -> new DeviceVirtqueue(deviceView, SplitRingLayout.contiguous(16 * MiB - 64, 8)))
                .isInstanceOf(VirtqueueException.class);
    }

    private void writeDesc(int index, long addr, int len, int flags, int next) {
        long at = layout.descTable() + 16L * index;
        driverView.writeLong(at, addr);
        driverView.writeInt(at + 8, len);
        driverView.writeShort(at + 12, (short) flags);
        driverView.writeShort(at + 14, (short) next);
    }

    private void makeAvailable(int... heads) {
        for (int i = 0; i < heads.length; i++) {
            driverView.writeShort(layout.availRing() + 4 + 2L * i, (short) heads[i]);
        }
        driverView.writeShortRelease(layout.availRing() + 2, (short) heads.length);
    }

    private String popFailure() {
        try {
            DeviceVirtqueue device = new DeviceVirtqueue(deviceView, layout);
            int n = device.pending();
            for (int i = 0; i < n; i++) {
                device.pop();
            }
            return null;
        } catch (VirtqueueException e) {
            return e.getMessage();
        }
    }

    @Test
    void aChainThatLoopsIsCaught() {
        writeDesc(0, 0x400000, 4096, SplitRingLayout.DESC_F_WRITE | SplitRingLayout.DESC_F_NEXT, 1);
        writeDesc(1, 0x401000, 4096, SplitRingLayout.DESC_F_WRITE | SplitRingLayout.DESC_F_NEXT, 0);
        makeAvailable(0);
        assertThat(popFailure()).contains("loop");
    }

    @Test
    void anAvailableIndexThatJumpsPastTheQueueSizeIsCaught() {
        driverView.writeShortRelease(layout.availRing() + 2, (short) 9);
        assertThat(popFailure()).contains("jumped by 9");
    }

    @Test
    void headsAndLinksOutsideTheTableAreCaught() {
        makeAvailable(8);
        assertThat(popFailure()).contains("head 8");
        writeDesc(0, 0x400000, 4096, SplitRingLayout.DESC_F_NEXT, 200);
        makeAvailable(0);
        assertThat(popFailure()).contains("next 200");
    }

    @Test
    void indirectReadableAfterWritableAndBuffersOutsideRamAreCaught() {
        writeDesc(0, 0x400000, 64, SplitRingLayout.DESC_F_INDIRECT, 0);
        makeAvailable(0);
        assertThat(popFailure()).contains("INDIRECT");

        writeDesc(0, 0x400000, 64, SplitRingLayout.DESC_F_WRITE | SplitRingLayout.DESC_F_NEXT, 1);
        writeDesc(1, 0x401000, 64, 0, 0);
        makeAvailable(0);
        assertThat(popFailure()).contains("after a writable");

        writeDesc(0, 16 * MiB - 4096, 8192, SplitRingLayout.DESC_F_WRITE, 0);
        makeAvailable(0);
        assertThat(popFailure()).contains("not guest RAM");

        writeDesc(0, -4096, 8192, SplitRingLayout.DESC_F_WRITE, 0);
        makeAvailable(0);
        assertThat(popFailure()).contains("not guest RAM");
    }

    @Test
    void aDriverCatchesADeviceThatReturnsWhatItWasNotGiven() throws Exception {
        DeviceVirtqueue device = new DeviceVirtqueue(deviceView, layout);
        driver.add(0x400000, 4096, true, "x");
        driver.publish();
        device.pending();
        device.pop();
        device.pushUsed(5, 0); // never given
        device.publishUsed();
        assertThatThrownBy(driver::takeUsed).isInstanceOf(IllegalStateException.class);
    }
}
