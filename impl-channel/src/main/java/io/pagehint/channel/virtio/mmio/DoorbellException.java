package io.pagehint.channel.virtio.mmio;

import java.io.IOException;

/** Bytes on the doorbell that are not a valid message: a framing error, which ends the connection. */
public class DoorbellException extends IOException {

    private static final long serialVersionUID = 1L;

    public DoorbellException(String message) {
        super(message);
    }
}
