package io.pagehint.channel.serial.wire;

/** Feature bits of HELLO and WELCOME (PROTOCOL.md A.5). */
public final class Features {

    /** The guest may send CHUNK_RANGES. */
    public static final long RANGES = 1L;
    /** The guest can drop its clean page cache on request. */
    public static final long DROP_CACHE = 1L << 1;
    /** Every free page of the guest holds the HELLO's poison byte, and the host preserves it. */
    public static final long PAGE_POISON = 1L << 2;
    /** Every bit this version knows. */
    public static final long KNOWN = RANGES | DROP_CACHE | PAGE_POISON;

    private Features() {
    }

    public static boolean has(long features, long bit) {
        return (features & bit) != 0;
    }
}
