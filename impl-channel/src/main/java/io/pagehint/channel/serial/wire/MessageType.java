package io.pagehint.channel.serial.wire;

/** The message types of PROTOCOL.md A.3 with their direction and payload sizes. */
public enum MessageType {
    HELLO(1, Direction.GUEST_TO_HOST, 24, 0),
    WELCOME(2, Direction.HOST_TO_GUEST, 16, 0),
    MEMINFO_REQUEST(3, Direction.HOST_TO_GUEST, 8, 0),
    MEMINFO(4, Direction.GUEST_TO_HOST, 40, 0),
    BITMAP_REQUEST(5, Direction.HOST_TO_GUEST, 16, 0),
    CHUNK_WORDS(6, Direction.GUEST_TO_HOST, 24, 8),
    CHUNK_RANGES(7, Direction.GUEST_TO_HOST, 16, 16),
    BITMAP_DONE(8, Direction.GUEST_TO_HOST, 24, 0),
    STOP(9, Direction.HOST_TO_GUEST, 8, 0),
    ERROR(10, Direction.BOTH, 16, 1);

    private final int code;
    private final Direction direction;
    private final int fixedBytes;
    private final int elementBytes;

    MessageType(int code, Direction direction, int fixedBytes, int elementBytes) {
        this.code = code;
        this.direction = direction;
        this.fixedBytes = fixedBytes;
        this.elementBytes = elementBytes;
    }

    public int code() {
        return code;
    }

    public Direction direction() {
        return direction;
    }

    /** Payload bytes before any repeated element. */
    public int fixedBytes() {
        return fixedBytes;
    }

    /** Bytes per repeated element (word, run, message byte), 0 for a fixed-size payload. */
    public int elementBytes() {
        return elementBytes;
    }

    /** Whether a payload of {@code length} bytes has a shape this type allows (the count field is checked later). */
    boolean fitsLength(long length) {
        if (elementBytes == 0) {
            return length == fixedBytes;
        }
        return length >= fixedBytes && (length - fixedBytes) % elementBytes == 0;
    }

    /** The type with this code, or null. */
    public static MessageType of(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
