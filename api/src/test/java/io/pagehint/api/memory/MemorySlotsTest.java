package io.pagehint.api.memory;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** QEMU's -m slots/maxmem rules, each refusal and its words; the layout tests check that x86 and virt apply them. */
class MemorySlotsTest {

    private static final long G = 1L << 30;

    @Test
    void acceptsWhatQemuAccepts() {
        assertThatCode(() -> MemorySlots.check(8 * G, false, 0, 8 * G)).doesNotThrowAnyException();
        assertThatCode(() -> MemorySlots.check(8 * G, true, 2, 10 * G)).doesNotThrowAnyException();
        assertThatCode(() -> MemorySlots.check(8 * G, false, 0, 16 * G)).as("maxmem without slots: room for virtio-mem")
                .doesNotThrowAnyException();
        assertThatCode(() -> MemorySlots.check(8 * G, true, 256, 16 * G)).doesNotThrowAnyException();
    }

    @Test
    void refusesWhatQemuRefuses() {
        assertThatThrownBy(() -> MemorySlots.check(8 * G, false, 0, 4 * G))
                .hasMessage("maxmem=4G is smaller than the RAM (8G); QEMU wants maxmem to be at least the initial memory size");
        assertThatThrownBy(() -> MemorySlots.check(8 * G, true, 257, 16 * G))
                .hasMessage("slots=257: QEMU supports 0..256 memory slots");
        assertThatThrownBy(() -> MemorySlots.check(8 * G, true, -1, 16 * G)).hasMessageContaining("0..256");
        assertThatThrownBy(() -> MemorySlots.check(8 * G, true, 2, 8 * G))
                .hasMessage("slots=2 but maxmem equals the RAM size: QEMU wants room above the initial memory for memory slots");
        assertThatThrownBy(() -> MemorySlots.check(8 * G, false, 0, 8 * G + 512))
                .hasMessage("maxmem=8589935104: QEMU wants the maximum memory size to be a multiple of 4K");
    }
}
