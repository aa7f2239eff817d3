package io.pagehint.channel.virtio.mmio;

/**
 * Register offsets of the virtio-mmio version 2 transport (virtio 1.x, "MMIO Device Register
 * Layout"), device status bits and the transport's own feature bits.
 */
public final class Mmio {

    public static final int MAGIC_VALUE = 0x000;
    public static final int VERSION = 0x004;
    public static final int DEVICE_ID = 0x008;
    public static final int VENDOR_ID = 0x00c;
    public static final int DEVICE_FEATURES = 0x010;
    public static final int DEVICE_FEATURES_SEL = 0x014;
    public static final int DRIVER_FEATURES = 0x020;
    public static final int DRIVER_FEATURES_SEL = 0x024;
    public static final int QUEUE_SEL = 0x030;
    public static final int QUEUE_SIZE_MAX = 0x034;
    public static final int QUEUE_SIZE = 0x038;
    public static final int QUEUE_READY = 0x044;
    public static final int QUEUE_NOTIFY = 0x050;
    public static final int INTERRUPT_STATUS = 0x060;
    public static final int INTERRUPT_ACK = 0x064;
    public static final int STATUS = 0x070;
    public static final int QUEUE_DESC_LOW = 0x080;
    public static final int QUEUE_DESC_HIGH = 0x084;
    public static final int QUEUE_DRIVER_LOW = 0x090;
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    public static final int CONFIG_GENERATION = 0x0fc;
    /** Start of the device-specific configuration space. */
    public static final int CONFIG = 0x100;
    /** End of the register window this project uses (16 bytes of configuration). */
    public static final int WINDOW_END = 0x110;

    /** "virt" read as a little-endian u32. */
    public static final int MAGIC = 0x74726976;
    /** The non-legacy virtio-mmio version. */
    public static final int MMIO_VERSION = 2;

    /** Interrupt status bit: a buffer was used. */
    public static final int INTERRUPT_USED_BUFFER = 1;
    /** Interrupt status bit: the configuration changed. */
    public static final int INTERRUPT_CONFIG_CHANGE = 2;

    /** Device status bits (virtio 1.x, "Device Status Field"). */
    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_DEVICE_NEEDS_RESET = 64;
    public static final int STATUS_FAILED = 128;

    /** Transport feature bit: the device follows virtio 1.x (no legacy interface). */
    public static final int F_VERSION_1 = 32;

    private Mmio() {
    }

    /**
     * Whether an access of {@code width} bytes at {@code offset} is one the window allows:
     * registers below {@link #CONFIG} are 4 bytes wide and 4-aligned; the configuration space takes
     * naturally aligned 1-, 2- and 4-byte accesses up to {@link #WINDOW_END}.
     */
    public static boolean isValidAccess(long offset, int width) {
        if (width != 1 && width != 2 && width != 4) {
            return false;
        }
        if (offset < 0 || offset + width > WINDOW_END || offset % width != 0) {
            return false;
        }
        return offset >= CONFIG || width == 4;
    }
}
