package io.pagehint.qemu.qmp;

import java.io.IOException;

/**
 * A QMP conversation failed: QEMU answered a command with an error, sent something that is not
 * QMP, went away, or did not answer in time. The message is one line that says which.
 */
public final class QmpException extends IOException {

    private static final long serialVersionUID = 1L;

    public QmpException(String message) {
        super(message);
    }

    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
