package io.pagehint.channel.serial.wire;

/** Codes of the ERROR message (PROTOCOL.md A.6). */
public enum ErrorCode {
    BAD_MAGIC(1),
    BAD_VERSION(2),
    BAD_SEQUENCE(3),
    BAD_LENGTH(4),
    UNKNOWN_TYPE(5),
    BAD_FIELD(6),
    BAD_STATE(7),
    BAD_COMMAND_ID(8),
    BAD_HINT(9),
    TIMEOUT(10),
    INCOMPATIBLE(11),
    INTERNAL(12),
    SHUTDOWN(13),
    /** The one non-fatal code: this request cannot be served, the connection stays. */
    REFUSED(100);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether the sender closes the connection after it (every code but {@link #REFUSED}). */
    public boolean isFatal() {
        return this != REFUSED;
    }

    /** The code with this number, or null for a number this version does not know (treated as fatal). */
    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
