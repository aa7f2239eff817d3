package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmControl;
import io.pagehint.api.vm.VmState;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyLayouts;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A guest whose VMM has no dirty log to give (a QEMU guest seen from outside) is refused at once
 * with its reason: no migration starts, nothing connects to the destination, the guest runs on.
 */
class RefusedGuestTest {

    private static final String REASON = "QEMU guests serve hint requests only: QEMU gives no dirty log to an outside process";

    /** A running toy guest whose adapter, like the QEMU adapter, has no dirty log. */
    private record NoDirtyLog(ToyGuest guest) implements VirtualMachine {
        @Override
        public String id() {
            return guest.id();
        }

        @Override
        public GuestMemoryLayout layout() {
            return guest.layout();
        }

        @Override
        public GuestRam ram() {
            return guest.ram();
        }

        @Override
        public DirtyLog dirtyLog() {
            throw new UnsupportedOperationException(REASON);
        }

        @Override
        public VmControl control() {
            return guest.control();
        }

        @Override
        public DeviceMemory deviceMemory() {
            return guest.deviceMemory();
        }

        @Override
        public Optional<String> migrationRefusal() {
            return Optional.of(REASON);
        }
    }

    @Test
    void aGuestWithoutDirtyLogIsRefusedBeforeAnythingStarts() throws Exception {
        MigrationEngine engine = new MigrationEngine(EngineSettings.defaults());
        try (ToyGuest guest = new ToyGuest("qemu-like", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.5));
             ServerSocket destination = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(destination.getInetAddress(), destination.getLocalPort());

            assertThatThrownBy(() -> engine.migrate(new NoDirtyLog(guest), to, MigrationOptions.defaults(), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(REASON);

            assertThat(engine.active()).as("no migration was started").isEmpty();
            destination.setSoTimeout(300);
            assertThatThrownBy(destination::accept).as("nothing connected to the destination")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
            assertThat(guest.isPaused()).isFalse();
        }
    }
}
