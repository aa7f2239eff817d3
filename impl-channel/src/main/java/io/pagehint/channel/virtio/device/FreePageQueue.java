package io.pagehint.channel.virtio.device;

import io.pagehint.api.vm.BadGuestAddressException;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.ring.Descriptor;
import io.pagehint.channel.virtio.ring.DescriptorChain;
import io.pagehint.channel.virtio.ring.DeviceVirtqueue;
import io.pagehint.channel.virtio.ring.VirtqueueException;

/**
 * The device's end of the free page virtqueue (docs/PROTOCOL.md B.5): what the driver's buffers
 * mean. A device-readable 4-byte buffer carries a command id; device-writable buffers are free
 * blocks, each of which must be whole pages of usable guest RAM. The ring itself (descriptors,
 * available and used rings, notification suppression) is {@link DeviceVirtqueue}'s.
 *
 * <p>As QEMU does ({@code get_free_page_hints} in hw/virtio/virtio-balloon.c), a pass runs with
 * queue notifications off; unlike QEMU, which trusts a buffer once it maps to host memory, every
 * block is checked, and one bad chain fails the whole pass so none of its hints is used.
 *
 * <p>Not thread-safe: the {@link BalloonDevice} owns it and calls it under its lock.
 */
final class FreePageQueue {

    private final DeviceVirtqueue queue;
    private final DeviceMemory memory;
    private final UsableRam ram;

    FreePageQueue(DeviceVirtqueue queue, DeviceMemory memory, UsableRam ram) {
        this.queue = queue;
        this.memory = memory;
        this.ram = ram;
    }

    /**
     * What one pass found.
     *
     * @param blocks     the free blocks posted for the round in flight
     * @param roundEnded whether the driver's STOP ended the round in flight
     * @param more       whether the driver added chains during the pass: another pass is due
     * @param interrupt  whether chains were used and the driver wants a used-buffer interrupt
     */
    record Pass(FreeBlockRuns blocks, boolean roundEnded, boolean more, boolean interrupt) {
    }

    /**
     * One pass: takes at most a queue's worth of chains (those available when it starts, so a
     * driver that keeps posting cannot hold the device), tells {@code rounds} about every command id
     * and block, and returns the chains used.
     *
     * @param configId the command id the config holds now
     * @throws VirtqueueException       if a chain breaks a rule of the ring or of the free page queue
     * @throws BadGuestAddressException if the ring points outside guest memory
     */
    Pass drain(FreePageHintRounds rounds, int configId) throws VirtqueueException, BadGuestAddressException {
        FreeBlockRuns blocks = new FreeBlockRuns();
        boolean roundEnded = false;
        int used = 0;
        queue.suppressNotifications(true);
        int n = queue.pending();
        for (int i = 0; i < n; i++) {
            DescriptorChain chain = queue.pop();
            roundEnded |= take(chain, blocks, rounds, configId);
            queue.pushUsed(chain.head(), 0);
            used++;
        }
        queue.suppressNotifications(false);
        boolean more = queue.pending() > 0;
        boolean interrupt = false;
        if (used > 0) {
            queue.publishUsed();
            rounds.progressed();
            interrupt = !queue.interruptsSuppressed();
        }
        return new Pass(blocks, roundEnded, more, interrupt);
    }

    /** Takes one chain: a command-id buffer or free blocks. Returns whether it ended the round. */
    private boolean take(DescriptorChain chain, FreeBlockRuns blocks, FreePageHintRounds rounds, int configId) throws VirtqueueException {
        Descriptor first = chain.descriptors().get(0);
        if (!first.writable()) {
            if (chain.descriptors().size() != 1 || first.len() != Balloon.CMD_ID_BYTES || first.flags() != 0) {
                throw new VirtqueueException("a command-id buffer must be one 4-byte device-readable descriptor");
            }
            return rounds.commandIdArrived(memory.readInt(first.addr()), configId);
        }
        // every block is checked, even of a stale chain: a driver that posts bad blocks is broken whatever the round
        for (Descriptor d : chain.descriptors()) {
            if (!ram.containsPages(d.addr(), d.len())) {
                throw new VirtqueueException("free block 0x" + Long.toHexString(d.addr()) + "+" + d.len()
                        + " is not whole pages of usable guest RAM");
            }
        }
        if (!rounds.takesBlocks()) {
            return false;
        }
        for (Descriptor d : chain.descriptors()) {
            blocks.add(d.addr() / ram.pageSize(), d.len() / ram.pageSize());
        }
        return false;
    }
}
