package io.pagehint.channel.serial.wire;

/** Which way a message travels. */
public enum Direction {
    GUEST_TO_HOST,
    HOST_TO_GUEST,
    BOTH;

    /** Whether a message of this direction may arrive at a receiver that reads {@code incoming}. */
    boolean allows(Direction incoming) {
        return this == BOTH || this == incoming;
    }
}
