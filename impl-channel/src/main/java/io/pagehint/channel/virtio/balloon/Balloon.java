package io.pagehint.channel.virtio.balloon;

/**
 * Constants of the virtio memory balloon device (virtio 1.x, "Traditional Memory Balloon
 * Device": device ID, feature bits, struct virtio_balloon_config, free page hinting command ids).
 */
public final class Balloon {

    /** Virtio device ID of the memory balloon. */
    public static final int DEVICE_ID = 5;

    /** Feature bit: a statistics virtqueue exists. This device does not offer it. */
    public static final int F_STATS_VQ = 1;
    /** Feature bit: free page hinting; the free-page virtqueue and {@code free_page_hint_cmd_id} exist. */
    public static final int F_FREE_PAGE_HINT = 3;
    /** Feature bit: the driver fills free pages with {@code poison_val}. */
    public static final int F_PAGE_POISON = 4;

    /** Offsets of the le32 fields of struct virtio_balloon_config. */
    public static final int CONFIG_NUM_PAGES = 0;
    public static final int CONFIG_ACTUAL = 4;
    public static final int CONFIG_FREE_PAGE_HINT_CMD_ID = 8;
    public static final int CONFIG_POISON_VAL = 12;
    /** Bytes of the configuration with FREE_PAGE_HINT and PAGE_POISON. */
    public static final int CONFIG_BYTES = 16;

    /** Command id: every earlier id is void; stop hinting, keep the hinted pages. */
    public static final int CMD_ID_STOP = 0;
    /** Command id: every earlier id is void; stop hinting and give the hinted pages back. */
    public static final int CMD_ID_DONE = 1;
    /** The lowest command id that starts a round. */
    public static final int CMD_ID_FIRST = 2;

    /** Bytes of a command-id buffer on the free-page queue. */
    public static final int CMD_ID_BYTES = 4;

    private Balloon() {
    }

    /** Whether {@code bit} is set in a 64-bit feature word. */
    public static boolean has(long features, int bit) {
        return (features & (1L << bit)) != 0;
    }

    /**
     * The index of the free-page virtqueue for the negotiated {@code features}: queues are numbered
     * in order among those that exist (inflateq 0, deflateq 1, then statsq if negotiated), as
     * Linux, QEMU and Firecracker do; the specification's list would say 3 whatever the features.
     */
    public static int freePageQueueIndex(long features) {
        return 2 + (has(features, F_STATS_VQ) ? 1 : 0);
    }

    /** The command id after {@code id}: from 2 up, wrapping from 0xFFFFFFFF back to 2, never STOP or DONE. */
    public static int nextCommandId(int id) {
        return id == -1 || Integer.compareUnsigned(id, CMD_ID_FIRST) < 0 ? CMD_ID_FIRST : id + 1;
    }
}
