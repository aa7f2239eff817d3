package io.pagehint.api.hint;

import java.io.IOException;

/** A hint channel failed: the guest is not there, misbehaved, or the transport broke. */
public class HintException extends IOException {

    private static final long serialVersionUID = 1L;

    public HintException(String message) {
        super(message);
    }

    public HintException(String message, Throwable cause) {
        super(message, cause);
    }
}
