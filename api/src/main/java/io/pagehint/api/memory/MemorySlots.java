package io.pagehint.api.memory;

/**
 * QEMU's rules for {@code -m size,slots=n,maxmem=m}, which hold for every machine type (they are
 * checked where hw/core/machine.c sets the machine's memory, before any board code runs; pc and
 * virt then add ACPI's limit of {@value #MAX_RAM_SLOTS} slots). A layout provider for a QEMU machine
 * refuses what QEMU refuses, so each checks its {@code slots} and {@code maxmem} options here, and
 * they all say it in the same words.
 */
public final class MemorySlots {

    /** {@code ACPI_MAX_RAM_SLOTS}: the most memory slots a QEMU machine with ACPI hotplug has. */
    public static final int MAX_RAM_SLOTS = 256;

    private MemorySlots() {
    }

    /**
     * Refuses what QEMU refuses: {@code maxmem} below the RAM, a slot count outside
     * 0..{@value #MAX_RAM_SLOTS}, slots asked for with no room above the RAM, a {@code maxmem} that is
     * not a whole number of 4 KiB pages. ({@code maxmem} without slots is allowed: room for devices
     * such as virtio-mem.)
     *
     * @param ramBytes   the initial memory ({@code -m size})
     * @param slotsAsked whether the guest asks for memory slots (a {@code slots} option, or DIMMs)
     * @param slots      the number of slots
     * @param maxmem     the maximum memory ({@code maxmem}, or RAM plus the DIMMs)
     * @throws IllegalArgumentException naming the option and QEMU's rule
     */
    public static void check(long ramBytes, boolean slotsAsked, int slots, long maxmem) {
        if (maxmem < ramBytes) {
            throw new IllegalArgumentException("maxmem=" + ByteSize.format(maxmem) + " is smaller than the RAM ("
                    + ByteSize.format(ramBytes) + "); QEMU wants maxmem to be at least the initial memory size");
        }
        if (slots < 0 || slots > MAX_RAM_SLOTS) {
            throw new IllegalArgumentException("slots=" + slots + ": QEMU supports 0.." + MAX_RAM_SLOTS + " memory slots");
        }
        if (slotsAsked && slots > 0 && maxmem == ramBytes) {
            throw new IllegalArgumentException("slots=" + slots + " but maxmem equals the RAM size: "
                    + "QEMU wants room above the initial memory for memory slots");
        }
        if (maxmem % 4096 != 0) {
            throw new IllegalArgumentException("maxmem=" + maxmem + ": QEMU wants the maximum memory size to be a multiple of 4K");
        }
    }
}
