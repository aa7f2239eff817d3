package io.pagehint.api.memory;

/**
 * Guest-physical addresses the guest must never treat as free RAM, even where a RAM range covers
 * them (the legacy VGA and BIOS area under 1 MiB, firmware-reserved areas): what a guest's e820 or
 * device-tree memory map marks reserved. A free-page hint that touches one is a misbehaving guest.
 */
public record ReservedRange(long guestPhysAddr, long length, String description) {

    public ReservedRange {
        if (guestPhysAddr < 0 || length <= 0 || guestPhysAddr + length < guestPhysAddr) {
            throw new IllegalArgumentException("bad reserved range at " + Long.toHexString(guestPhysAddr));
        }
        description = description == null ? "reserved" : description;
    }

    public long guestPhysEnd() {
        return guestPhysAddr + length;
    }

    public boolean overlaps(long gpa, long len) {
        return gpa < guestPhysEnd() && guestPhysAddr < gpa + len;
    }
}
