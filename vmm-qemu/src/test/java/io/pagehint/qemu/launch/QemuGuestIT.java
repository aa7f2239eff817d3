package io.pagehint.qemu.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.VmState;
import io.pagehint.qemu.qmp.QmpException;
import io.pagehint.qemu.vm.QemuVirtualMachine;
import io.pagehint.x86.layout.X86Layouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The launcher and the VM adapter against a real QEMU, without pagehint's serial host end: QMP
 * and the RAM file need only a booting guest.
 */
class QemuGuestIT {

    private static final long RAM = 512L << 20;

    /** The guest-linux build (made earlier in the same build); its agent never gets a port here, which does not matter. */
    private static LinuxGuestSpec anyKernel() throws Exception {
        GuestLinuxBuild build = GuestLinuxBuild.find(Path.of(System.getProperty("pagehint.guest-linux.dir", "../guest-linux")), null);
        return new LinuxGuestSpec(build.kernel(), build.initrd(), "q35", RAM, 1, true, "none", false);
    }

    @Test
    void stopContAndStatusOverQmpAndTheFolderIsGoneAfterClose() throws Exception {
        GuestMemoryLayout layout = X86Layouts.layout(new MachineSpec("x86_64", "q35", RAM, Map.of()));
        Path work;
        QemuGuest guest = QemuGuest.boot(anyKernel(), null, null);
        try (guest; QemuVirtualMachine vm = QemuVirtualMachine.open("qemu-it", layout, guest.ramFile(), guest.qmpSocket(),
                Duration.ofSeconds(30))) {
            work = guest.workFolder();
            assertThat(work).startsWith(QemuGuest.SHM);
            assertThat(Files.size(guest.ramFile())).isEqualTo(RAM);
            assertThat(vm.control().state()).isEqualTo(VmState.RUNNING);
            vm.control().pause();
            assertThat(vm.control().state()).isEqualTo(VmState.PAUSED);
            assertThat(guest.qmp().status()).isEqualTo("paused");
            vm.control().resume();
            assertThat(vm.control().state()).isEqualTo(VmState.RUNNING);
            assertThatThrownBy(() -> vm.control().throttle(20)).isInstanceOf(QmpException.class);
            assertThat(vm.migrationRefusal()).contains(QemuVirtualMachine.NO_DIRTY_LOG);
            assertThatThrownBy(vm::dirtyLog).isInstanceOf(UnsupportedOperationException.class).hasMessage(QemuVirtualMachine.NO_DIRTY_LOG);
            // the guest's RAM is there to read: the kernel was loaded into it
            assertThat(vm.ram().view(0, 0, 4096).capacity()).isEqualTo(4096);
        }
        assertThat(guest.isRunning()).isFalse();
        assertThat(work).doesNotExist();
    }

    @Test
    void aVmWhoseQemuHasGoneIsGoneNotAnError() throws Exception {
        GuestMemoryLayout layout = X86Layouts.layout(new MachineSpec("x86_64", "q35", RAM, Map.of()));
        QemuGuest guest = QemuGuest.boot(anyKernel(), null, null);
        try (guest; QemuVirtualMachine vm = QemuVirtualMachine.open("qemu-gone", layout, guest.ramFile(), guest.qmpSocket(),
                Duration.ofSeconds(30))) {
            assertThat(vm.control().state()).isEqualTo(VmState.RUNNING);
            guest.qmp().execute("quit", null);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (guest.isRunning() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(vm.control().state()).isEqualTo(VmState.GONE);
            assertThatThrownBy(() -> vm.control().pause()).isInstanceOf(QmpException.class).hasMessageNotContaining("\n");
        }
    }
}
