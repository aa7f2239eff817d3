package io.pagehint.channel.virtio;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How one virtio free-page-hint device behaves (the typed form of {@link FreePageHintConfig}).
 *
 * @param vmId            the guest's id, also the hint source's {@code vm.id}
 * @param doorbellPath    the UNIX socket that carries register accesses and interrupts
 * @param queueSize       QueueSizeMax of the free page queue: a power of two from 2 to 32768
 * @param responseTimeout how long the driver may take to acknowledge an id or make progress in a round
 */
public record VirtioSettings(String vmId, Path doorbellPath, int queueSize, Duration responseTimeout) {

    public VirtioSettings {
        if (vmId == null || vmId.isBlank() || doorbellPath == null) {
            throw new IllegalArgumentException("a virtio device needs vm.id and doorbell.path");
        }
        if (queueSize < 2 || queueSize > 32768 || Integer.bitCount(queueSize) != 1) {
            throw new IllegalArgumentException("queue.size must be a power of two from 2 to 32768: " + queueSize);
        }
        if (responseTimeout.isNegative() || responseTimeout.isZero()) {
            throw new IllegalArgumentException("response.timeout.ms must be positive");
        }
    }

    /** QEMU's free page queue size (1024) and a 5 s response timeout. */
    public static VirtioSettings defaults(String vmId, Path doorbellPath) {
        return new VirtioSettings(vmId, doorbellPath, 1024, Duration.ofSeconds(5));
    }

    public VirtioSettings withQueueSize(int size) {
        return new VirtioSettings(vmId, doorbellPath, size, responseTimeout);
    }

    public VirtioSettings withResponseTimeout(Duration timeout) {
        return new VirtioSettings(vmId, doorbellPath, queueSize, timeout);
    }
}
