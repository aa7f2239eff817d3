package io.pagehint.channel.virtio.transport;

/**
 * What a virtio-mmio register file needs from the device behind it: its identity, its features,
 * its queues and its configuration space. The register file decodes accesses and keeps the
 * transport's own state; everything that depends on the kind of device is asked here.
 *
 * <p>Calls come from the register file while the caller holds the device's lock (the register
 * file has no lock of its own), so an implementation may read and change its state freely.
 *
 * @param <R> what a step that may act returns to the caller (the device's outcome type), so the
 *            transport need not know how the device carries out its effects
 */
public interface MmioDevice<R> {

    /** The virtio device ID (DeviceID register). */
    int deviceId();

    /** The features the device offers, transport bits included. */
    long offeredFeatures();

    /** QueueSizeMax of queue {@code index} with the negotiated features; 0 where no such queue exists. */
    int queueSizeMax(int index);

    /** Whether queue {@code index} is live (QueueReady reads 1). */
    boolean queueLive(int index);

    /** The driver wrote QueueReady of queue {@code index}, with the queue's registers as they are now. */
    R queueReadyWritten(int index, int value, QueueRegisters queue);

    /** The driver wrote QueueNotify. */
    R notified(int queue);

    /** The driver wrote 0 to Status: reset the device (the register file included, through {@link MmioRegisterFile#reset}). */
    R resetByDriver();

    /** One byte of the configuration space, at {@code at} from its start. */
    int configByte(int at);

    /** The driver wrote one byte of the configuration space. */
    void writeConfigByte(int at, int value);

    /** The result of a step that did nothing. */
    R nothing();

    /** The registers of one queue as the driver set them: size and the three ring addresses. */
    record QueueRegisters(int size, long desc, long driver, long device) {
    }
}
