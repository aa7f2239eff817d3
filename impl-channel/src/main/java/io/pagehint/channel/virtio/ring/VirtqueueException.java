package io.pagehint.channel.virtio.ring;

/** The driver broke a rule of the split virtqueue: the device must stop using the queue. */
public class VirtqueueException extends Exception {

    private static final long serialVersionUID = 1L;

    public VirtqueueException(String message) {
        super(message);
    }
}
