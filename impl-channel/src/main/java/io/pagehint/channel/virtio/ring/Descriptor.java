package io.pagehint.channel.virtio.ring;

/** A descriptor as the device read it: a guest-physical buffer and its flags. */
public record Descriptor(long addr, long len, int flags) {

    /** Whether the device may write the buffer (an input buffer, in the driver's words). */
    public boolean writable() {
        return (flags & SplitRingLayout.DESC_F_WRITE) != 0;
    }
}
