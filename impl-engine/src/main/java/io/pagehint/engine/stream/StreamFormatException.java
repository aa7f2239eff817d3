package io.pagehint.engine.stream;

import java.io.IOException;

/** Bytes that do not fit docs/STREAM.md; the message names what was wrong. */
public class StreamFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public StreamFormatException(String message) {
        super(message);
    }
}
