package io.pagehint.channel.virtio.mmio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 16-byte doorbell message (docs/PROTOCOL.md B.1): a register READ or WRITE from the driver,
 * the device's VALUE answer, or an INTERRUPT. Layout, little-endian: u8 op, u8 width, u16 reserved,
 * u32 offset, u64 value. The constructor checks everything the protocol asks of a message.
 */
public record DoorbellMessage(int op, int width, int offset, long value) {

    /** Bytes of every message. */
    public static final int BYTES = 16;

    /** Driver to device: read a register; the device answers with {@link #VALUE}. */
    public static final int READ = 1;
    /** Driver to device: write a register. */
    public static final int WRITE = 2;
    /** Device to driver: the value of the register last read. */
    public static final int VALUE = 3;
    /** Device to driver: an interrupt; {@code value} is InterruptStatus after the event. */
    public static final int INTERRUPT = 4;

    public DoorbellMessage {
        switch (op) {
            case READ -> require(Mmio.isValidAccess(Integer.toUnsignedLong(offset), width) && value == 0, "bad READ");
            case WRITE, VALUE -> require(Mmio.isValidAccess(Integer.toUnsignedLong(offset), width) && fits(value, width),
                    "bad " + (op == WRITE ? "WRITE" : "VALUE"));
            case INTERRUPT -> require(width == 0 && offset == 0 && (value & ~3L) == 0, "bad INTERRUPT");
            default -> throw new IllegalArgumentException("unknown doorbell op " + op);
        }
    }

    public static DoorbellMessage read(int offset, int width) {
        return new DoorbellMessage(READ, width, offset, 0);
    }

    public static DoorbellMessage write(int offset, int width, long value) {
        return new DoorbellMessage(WRITE, width, offset, value);
    }

    public static DoorbellMessage value(int offset, int width, long value) {
        return new DoorbellMessage(VALUE, width, offset, value);
    }

    public static DoorbellMessage interrupt(int status) {
        return new DoorbellMessage(INTERRUPT, 0, 0, status);
    }

    /** Whether a driver sends this kind of message. */
    public boolean fromDriver() {
        return op == READ || op == WRITE;
    }

    private static boolean fits(long value, int width) {
        return width == 8 || (value >>> (8 * width)) == 0;
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Writes the 16 bytes at the position of {@code out}. */
    public void encode(ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN).put((byte) op).put((byte) width).putShort((short) 0).putInt(offset).putLong(value);
    }

    /**
     * Reads 16 bytes from the position of {@code in}.
     *
     * @throws IllegalArgumentException if they are not a valid message (a framing error)
     */
    public static DoorbellMessage decode(ByteBuffer in) {
        in.order(ByteOrder.LITTLE_ENDIAN);
        int op = in.get() & 0xFF;
        int width = in.get() & 0xFF;
        int reserved = in.getShort();
        int offset = in.getInt();
        long value = in.getLong();
        if (reserved != 0) {
            throw new IllegalArgumentException("reserved doorbell bytes are not zero");
        }
        return new DoorbellMessage(op, width, offset, value);
    }
}
