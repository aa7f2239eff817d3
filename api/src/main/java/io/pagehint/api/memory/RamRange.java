package io.pagehint.api.memory;

/**
 * A stretch of guest-physical address space backed by a RAM block: guest-physical
 * {@code [guestPhysAddr, guestPhysAddr + length)} is block bytes {@code [blockOffset, blockOffset + length)}.
 * In QEMU terms, a memory-region alias into a RAMBlock ("ram-below-4g", "ram-above-4g").
 */
public record RamRange(long guestPhysAddr, long length, long blockOffset) {

    public RamRange {
        if (guestPhysAddr < 0 || length <= 0 || blockOffset < 0 || guestPhysAddr + length < guestPhysAddr) {
            throw new IllegalArgumentException("bad RAM range: gpa=" + Long.toHexString(guestPhysAddr)
                    + " length=" + length + " offset=" + blockOffset);
        }
    }

    /** One past the last guest-physical address. */
    public long guestPhysEnd() {
        return guestPhysAddr + length;
    }

    public boolean containsGuestPhys(long gpa) {
        return gpa >= guestPhysAddr && gpa < guestPhysEnd();
    }
}
