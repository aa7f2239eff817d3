package io.pagehint.guest.host;

import static io.pagehint.guest.testing.GuestProcessHandle.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.api.vm.VmState;
import io.pagehint.guest.boot.ReceivedRamSelfCheck;
import io.pagehint.guest.testing.GuestProcessHandle;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import io.pagehint.reference.vm.ReferenceIncomingVm;
import io.pagehint.reference.vm.ReferenceVirtualMachine;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reference VMM's host adapters (bundle io.pagehint.reference) against a guest running as its
 * own process, and the guest's self-check (the {@code ReceivedRamCheck} this bundle offers) on what
 * a destination received. Here, not in vmm-reference: the guest process is this module's.
 */
class HostAdaptersIT {

    private static final MachineSpec SPEC = new MachineSpec("x86_64", "q35", 64L << 20);
    private static final GuestMemoryLayout LAYOUT = TestLayouts.x86(SPEC);
    private static final long PAGES = LAYOUT.ramPages();

    @Test
    void aRunningGuestIsAVirtualMachineWithRamDirtyLogControlAndDeviceMemory() throws Exception {
        try (GuestProcessHandle guest = GuestProcessHandle.start("64M", "--workload", "churn", "--rate", "2000");
             ReferenceVirtualMachine vm = ReferenceVirtualMachine.open("vm1", LAYOUT, guest.ramFile(), guest.dirtyLog(),
                     guest.controlSocket(), Duration.ofSeconds(30))) {
            vm.dirtyLog().start();
            assertThat(vm.dirtyLog().isLogging()).isTrue();
            PageBitmap dirty = new PageBitmap(PAGES);
            waitFor(() -> vm.dirtyLog().harvest(0, dirty) > 0 && dirty.cardinality() > 50, "the guest to dirty pages");
            assertThat(vm.control().state()).isEqualTo(VmState.RUNNING);

            vm.control().pause();
            assertThat(vm.control().state()).isEqualTo(VmState.PAUSED);
            vm.dirtyLog().harvest(0, new PageBitmap(PAGES));
            // a device writes a page of the legacy area: the write shows in the view and the log
            long gpa = 0x9f000 + 8;
            vm.deviceMemory().writeLong(gpa, 0x1234_5678_9abcL);
            PageBitmap afterDevice = new PageBitmap(PAGES);
            assertThat(vm.dirtyLog().harvest(0, afterDevice)).isEqualTo(1);
            assertThat(afterDevice.get(0x9f)).isTrue();
            assertThat(vm.ram().view(0, 0x9f000, 4096).getLong(8)).isEqualTo(0x1234_5678_9abcL);

            PageBitmap unbacked = new PageBitmap(PAGES);
            long holes = vm.ram().markUnbackedPages(0, 0, PAGES, unbacked);
            assertThat(holes).isPositive();
            long sample = unbacked.nextSetBit(PAGES / 2);
            ByteBuffer zero = vm.ram().view(0, sample * 4096, 4096);
            assertThat(zero.getLong(0) | zero.getLong(4088)).as("an unbacked page reads as zeros").isZero();

            vm.control().throttle(50);
            assertThat(guest.status().throttle()).as("the throttle the VM control set").isEqualTo(50);
            vm.control().resume();
            assertThat(vm.control().state()).isEqualTo(VmState.RUNNING);
            assertThat(guest.quit()).isZero();
            assertThat(vm.control().state()).as("a guest that quit is gone").isEqualTo(VmState.GONE);
        }
    }

    @Test
    void anIncomingVmVerifiesWhatArrivedWithTheGuestsSelfCheck() throws Exception {
        try (GuestProcessHandle guest = GuestProcessHandle.start("64M", "--workload", "churn", "--rate", "4000");
             ReferenceVirtualMachine source = ReferenceVirtualMachine.open("vm1", LAYOUT, guest.ramFile(), guest.dirtyLog(),
                     guest.controlSocket(), Duration.ofSeconds(30));
             ShmDir dest = new ShmDir()) {
            waitFor(() -> status(guest) > 2000, "the guest to churn");
            source.control().pause();
            Path ramFile = dest.resolve("incoming-ram");
            IncomingVm incoming = ReferenceIncomingVm.create("vm1", LAYOUT, ramFile, ReceivedRamSelfCheck::new);

            copyAll(source, incoming);
            Path incomplete = ReferenceIncomingVm.incompleteName(ramFile);
            assertThat(ramFile).as("nothing under the guest's name before COMMIT").doesNotExist();
            assertThat(ShmDir.allocatedBytes(incomplete)).as("unbacked pages were discarded, not copied")
                    .isLessThanOrEqualTo(ShmDir.allocatedBytes(guest.ramFile()));
            SelfCheckResult healthy = incoming.verify();
            assertThat(healthy.problems()).isEmpty();
            assertThat(healthy.passed()).isTrue();
            assertThat(healthy.pagesChecked()).isEqualTo(PAGES);

            // the same migration, but one byte of the kernel's own metadata goes missing
            ByteBuffer boot = incoming.writableView(0, 0x100000, 4096);
            boot.put(0x18, (byte) (boot.get(0x18) ^ 1));
            SelfCheckResult broken = incoming.verify();
            assertThat(broken.passed()).isFalse();
            assertThat(broken.problems()).singleElement().asString().contains("boot block");

            incoming.abandon();
            incoming.close();
            assertThat(Files.exists(ramFile)).isFalse();
            assertThat(Files.exists(incomplete)).isFalse();
        }
    }

    /** What a migration does, without one: every page with data copied, every hole discarded. */
    private static void copyAll(ReferenceVirtualMachine source, IncomingVm incoming) {
        PageBitmap holes = new PageBitmap(PAGES);
        source.ram().markUnbackedPages(0, 0, PAGES, holes);
        for (long page = 0; page < PAGES; page++) {
            if (holes.get(page)) {
                incoming.discard(0, page * 4096, 4096);
            } else {
                incoming.writableView(0, page * 4096, 4096).put(source.ram().view(0, page * 4096, 4096));
            }
        }
    }

    private static long status(GuestProcessHandle g) {
        try {
            return g.status().operations();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
