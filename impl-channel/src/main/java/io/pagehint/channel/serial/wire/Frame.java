package io.pagehint.channel.serial.wire;

/** Constants of the frame header (PROTOCOL.md A.1). */
public final class Frame {

    /** The bytes 'P' 'H' 'N' 'T' read as a little-endian u32. */
    public static final int MAGIC = 0x544E4850;
    /** The only version this codec speaks. */
    public static final int VERSION = 1;
    /** Bytes of the header that precedes every payload. */
    public static final int HEADER_BYTES = 16;
    /** The largest frame (header and payload) the protocol allows. */
    public static final int MAX_FRAME = 1 << 20;
    /** The smallest frame limit a side may announce, and the limit before the handshake. */
    public static final int MIN_FRAME = 4096;

    private Frame() {
    }

    /** Whether {@code maxFrame} is a frame limit a side may announce. */
    public static boolean isValidLimit(long maxFrame) {
        return maxFrame >= MIN_FRAME && maxFrame <= MAX_FRAME;
    }
}
