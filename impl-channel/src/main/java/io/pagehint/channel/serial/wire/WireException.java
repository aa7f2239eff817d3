package io.pagehint.channel.serial.wire;

import java.io.IOException;

/** A frame broke a rule of the protocol; {@link #code()} is what to send back in ERROR before closing. */
public class WireException extends IOException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final long commandId;

    public WireException(ErrorCode code, String message) {
        this(code, 0, message);
    }

    public WireException(ErrorCode code, long commandId, String message) {
        super(code + ": " + message);
        this.code = code;
        this.commandId = commandId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The command id concerned, 0 if none. */
    public long commandId() {
        return commandId;
    }
}
