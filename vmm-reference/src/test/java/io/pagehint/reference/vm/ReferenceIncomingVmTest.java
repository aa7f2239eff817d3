package io.pagehint.reference.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.reference.check.ReceivedRamCheck;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The destination side of the reference VMM: the provisioner's incoming RAM file, its name until
 * COMMIT, and the check its verify runs (the guest's own self-check against a guest process is in
 * the guest module's HostAdaptersIT).
 */
class ReferenceIncomingVmTest {

    private static final MachineSpec SPEC = new MachineSpec("x86_64", "q35", 64L << 20);
    private static final GuestMemoryLayout LAYOUT = TestLayouts.x86(SPEC);

    private static VmProvisionerComponent provisioner() {
        VmProvisionerComponent provisioner = new VmProvisionerComponent();
        LayoutProvider q35 = TestLayouts::x86;
        provisioner.addLayoutProvider(q35, Map.of(LayoutProvider.ARCH, "x86_64", LayoutProvider.MACHINES, new String[] {"pc", "q35"}));
        return provisioner;
    }

    @Test
    void anIncomingRamFileIsNamedIncompleteUntilTheMigrationIsCommittedThenTakesItsName() throws Exception {
        VmProvisionerComponent provisioner = provisioner();
        try (ShmDir dest = new ShmDir()) {
            Path ramFile = dest.resolve("committed-ram");
            Path incomplete = ReferenceIncomingVm.incompleteName(ramFile);
            IncomingVm incoming = provisioner.prepareIncoming("vm1", SPEC, Map.of(VmProvisionerComponent.RAM_FILE, ramFile.toString()));
            incoming.writableView(0, 0x200000, 4096).put(0, (byte) 0x5A);
            assertThat(incomplete.getFileName().toString()).endsWith(".incomplete");
            assertThat(incomplete).exists();
            assertThat(ramFile).as("a destination killed now leaves no file under the guest's name").doesNotExist();
            assertThatThrownBy(() -> provisioner.prepareIncoming("vm2", SPEC,
                    Map.of(VmProvisionerComponent.RAM_FILE, ramFile.toString())))
                    .as("a second destination into the same file").isInstanceOf(java.io.IOException.class);

            incoming.close(); // not abandoned: the engine's COMMIT
            assertThat(ramFile).exists();
            assertThat(incomplete).doesNotExist();
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(ramFile)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                c.read(b, 0x200000);
                assertThat(b.get(0)).as("the received content, under its final name").isEqualTo((byte) 0x5A);
            }
        }
    }

    @Test
    void verifyRunsTheBoundCheckOnTheReceivedRamAndSaysNotCheckedWithoutOne() throws Exception {
        VmProvisionerComponent provisioner = provisioner();
        try (ShmDir dest = new ShmDir()) {
            Path ramFile = dest.resolve("checked-ram");
            IncomingVm incoming = provisioner.prepareIncoming("vm1", SPEC, Map.of(VmProvisionerComponent.RAM_FILE, ramFile.toString()));
            incoming.writableView(0, 0x200000, 4096).put(0, (byte) 0x5A);

            SelfCheckResult none = incoming.verify();
            assertThat(none.isNotChecked()).as("no check bound").isTrue();
            assertThat(none.problems()).singleElement().asString().contains("io.pagehint.guest");

            // a check that reads what arrived, through the read-only mapping it is given
            ReceivedRamCheck byteAt2M = ram -> {
                byte b = ram.view(0, 0x200000, 4096).get(0);
                return b == 0x5A
                        ? new SelfCheckResult(true, 1, 0, List.of(), Duration.ZERO)
                        : new SelfCheckResult(false, 1, 1, List.of("pfn 0x200: " + b), Duration.ZERO);
            };
            provisioner.check = byteAt2M;
            assertThat(incoming.verify().passed()).as("the check bound by verify time is the one that runs").isTrue();
            incoming.writableView(0, 0x200000, 4096).put(0, (byte) 0x5B);
            assertThat(incoming.verify().problems()).containsExactly("pfn 0x200: 91");

            incoming.abandon();
            assertThat(incoming.verify().isNotChecked()).as("an abandoned VM is not checked").isTrue();
            incoming.close();
            assertThat(ramFile).doesNotExist();
        }
    }
}
