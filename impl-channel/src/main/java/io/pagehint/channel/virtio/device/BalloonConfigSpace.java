package io.pagehint.channel.virtio.device;

import io.pagehint.channel.virtio.balloon.Balloon;
import java.util.OptionalInt;

/**
 * The balloon's configuration space, {@code struct virtio_balloon_config} (docs/PROTOCOL.md B.4):
 * {@code num_pages} (always 0: this device never asks the guest to inflate), {@code actual} (the
 * driver's to write), {@code free_page_hint_cmd_id} (the device's) and {@code poison_val} (the
 * driver's, before DRIVER_OK). Fields are little-endian and the driver may access them byte by
 * byte, so this class works in bytes.
 *
 * <p>Not thread-safe: the {@link BalloonDevice} owns it and calls it under its lock.
 */
final class BalloonConfigSpace {

    private int actual;
    private int cmdId = Balloon.CMD_ID_STOP;
    private int poisonVal;

    /** The byte at {@code at} from the start of the configuration. */
    int readByte(int at) {
        int field = switch (at & ~3) {
            case Balloon.CONFIG_NUM_PAGES -> 0;
            case Balloon.CONFIG_ACTUAL -> actual;
            case Balloon.CONFIG_FREE_PAGE_HINT_CMD_ID -> cmdId;
            default -> poisonVal;
        };
        return (field >>> (8 * (at & 3))) & 0xFF;
    }

    /**
     * The driver writes byte {@code b} at {@code at}; {@code poisonWritable} says whether
     * {@code poison_val} takes it (PAGE_POISON negotiated, DRIVER_OK not yet set).
     */
    void writeByte(int at, int b, boolean poisonWritable) {
        int field = at & ~3;
        int shift = 8 * (at & 3);
        if (field == Balloon.CONFIG_ACTUAL) {
            actual = (actual & ~(0xFF << shift)) | (b << shift);
        } else if (field == Balloon.CONFIG_POISON_VAL && poisonWritable) {
            poisonVal = (poisonVal & ~(0xFF << shift)) | (b << shift);
        }
        // num_pages and free_page_hint_cmd_id are read-only for the driver
    }

    /** {@code free_page_hint_cmd_id}: STOP, DONE or the id of the round in flight. */
    int commandId() {
        return cmdId;
    }

    void setCommandId(int id) {
        cmdId = id;
    }

    /** {@code poison_val} as the driver wrote it. */
    int poisonValue() {
        return poisonVal;
    }

    /** The poison byte, if {@code poison_val} is one byte repeated (the only kind a page of hints can be checked against). */
    OptionalInt poisonByte() {
        int b = poisonVal & 0xFF;
        return poisonVal == b * 0x01010101 ? OptionalInt.of(b) : OptionalInt.empty();
    }

    /** The values after power-on. */
    void reset() {
        actual = 0;
        cmdId = Balloon.CMD_ID_STOP;
        poisonVal = 0;
    }
}
