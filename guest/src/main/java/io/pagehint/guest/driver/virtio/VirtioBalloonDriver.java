package io.pagehint.guest.driver.virtio;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.mmio.DoorbellClient;
import io.pagehint.channel.virtio.mmio.Mmio;
import io.pagehint.channel.virtio.ring.DriverVirtqueue;
import io.pagehint.channel.virtio.ring.SplitRingLayout;
import io.pagehint.guest.driver.ReconnectingDriver;
import io.pagehint.guest.kernel.HintingSupport;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest's virtio balloon driver for free page hinting, behaving as Linux's
 * drivers/virtio/virtio_balloon.c does (PROTOCOL.md B.8):
 * <ul>
 *   <li>on a configuration change it reads {@code free_page_hint_cmd_id}; DONE gives every hinted
 *       block back ({@code return_free_pages_to_mm}); a new id starts a round
 *       ({@code virtio_balloon_report_free_page});</li>
 *   <li>a round acknowledges the id with a 4-byte output buffer ({@code send_cmd_id_start}), then
 *       takes max-order blocks off the free lists one by one with
 *       {@link HintingSupport#takeHintBlock()} — no reclaim, zeroed first with init-on-alloc — and
 *       posts each as a device-writable buffer ({@code get_free_page_and_send}), until the id
 *       changes, no block is left, or only the one slot kept for STOP is free; it ends with a STOP
 *       output buffer ({@code send_cmd_id_stop});</li>
 *   <li>where Linux gives a block back and spins when the queue is full, this driver waits for the
 *       device to use buffers (a used-buffer interrupt), and ends the round if none come back
 *       within {@link #FULL_QUEUE_WAIT};</li>
 *   <li>its shrinker hands blocks back to the allocator under memory pressure before DONE, as
 *       Linux's {@code virtio_balloon_shrinker_scan} does and the specification allows.</li>
 * </ul>
 * Blocks are held from when they are taken until DONE, the shrinker, a device reset or the
 * doorbell going away.
 */
public final class VirtioBalloonDriver extends ReconnectingDriver {

    private static final Logger LOG = LoggerFactory.getLogger(VirtioBalloonDriver.class);
    /** The queue size the driver asks for when the device allows it (QEMU's). */
    static final int PREFERRED_QUEUE_SIZE = 1024;
    /** How long a round waits for the device to use buffers when the queue is full. */
    static final Duration FULL_QUEUE_WAIT = Duration.ofSeconds(2);
    /**
     * Blocks added between two publications of the available index: Linux kicks after every
     * block; publishing and notifying once per batch saves fences and doorbell messages, and the
     * driver still looks for a new command id between batches.
     */
    static final int POST_BATCH = 32;
    /** Wakes the idle driver to look for interrupts it might have missed while the doorbell was busy. */
    private static final Duration IDLE_WAIT = Duration.ofMillis(500);
    /**
     * How long a driver that could not set up its queue stays FAILED before it resets the device
     * and tries again (Linux does not retry a failed probe; a guest under pressure may have memory
     * for its rings later).
     */
    static final Duration SETUP_RETRY = Duration.ofSeconds(10);

    private final HintingSupport kernel;
    private final DeviceMemory memory;
    private final int pageSize;
    private final long blockPages;
    private final int blockBytes;
    private final ArrayDeque<Long> hintedBlocks = new ArrayDeque<>();
    private final Object cmdToken = new Object();
    private long ringBase = -1;
    private long cmdActiveSlot;
    private long cmdStopSlot;

    private final java.time.Duration pace;

    private VirtioBalloonDriver(Path doorbell, HintingSupport kernel, java.time.Duration pace) {
        super(doorbell, "pagehint-virtio-guest");
        this.kernel = kernel;
        this.pace = pace;
        this.memory = kernel.physicalMemory();
        this.pageSize = kernel.memInfo().pageSize();
        this.blockPages = 1L << kernel.hintBlockOrder();
        this.blockBytes = Math.toIntExact(blockPages * pageSize);
        kernel.registerShrinker(this::shrink);
    }

    /** Drives the device behind {@code doorbell} until closed, connecting when it is there. */
    public static VirtioBalloonDriver start(Path doorbell, HintingSupport kernel) {
        return start(doorbell, kernel, java.time.Duration.ZERO);
    }

    /** Like {@link #start(Path, HintingSupport)}, pausing {@code pace} after each batch it posts (a slow guest, for tests). */
    public static VirtioBalloonDriver start(Path doorbell, HintingSupport kernel, java.time.Duration pace) {
        VirtioBalloonDriver d = new VirtioBalloonDriver(doorbell, kernel, pace);
        d.start();
        return d;
    }

    @Override
    public String transport() {
        return HintSource.TRANSPORT_VIRTIO_BALLOON;
    }

    /** Hint blocks the driver holds now. */
    public int heldBlocks() {
        synchronized (hintedBlocks) {
            return hintedBlocks.size();
        }
    }

    @Override
    protected void serve(SocketChannel connection) throws IOException {
        try (DoorbellClient mmio = new DoorbellClient(connection)) {
            Device device = new Device(mmio);
            while (!isClosed()) {
                boolean hinting;
                try {
                    hinting = device.initialize();
                } catch (NoMemoryForQueue e) {
                    // as a Linux driver whose probe fails: FAILED tells the device why nothing will come
                    LOG.warn("could not set up the free page queue: {}; the device is told FAILED, trying again in {} s",
                            e.getMessage(), SETUP_RETRY.toSeconds());
                    device.fail();
                    device.idle(SETUP_RETRY);
                    continue;
                }
                if (hinting) {
                    device.run();
                } else {
                    device.idle(null); // no free page hinting offered: stay attached, do nothing
                }
            }
        }
    }

    @Override
    protected void disconnected() {
        returnBlocks(Long.MAX_VALUE);
    }

    /** The shrinker: hands whole blocks back until at least {@code pages} pages are free again. */
    private long shrink(long pages) {
        long blocks = (pages + blockPages - 1) / blockPages;
        return returnBlocks(blocks) * blockPages;
    }

    /**
     * Gives back up to {@code max} hinted blocks, the most recently hinted first: Linux's driver puts
     * each block at the head of its free_page_list and pops from the head when it returns them
     * (return_free_pages_to_mm), so under pressure the shrinker hands back the blocks whose hints a
     * slow device may not have processed yet.
     */
    private long returnBlocks(long max) {
        long n = 0;
        while (n < max) {
            Long pfn;
            synchronized (hintedBlocks) {
                pfn = hintedBlocks.pollLast();
            }
            if (pfn == null) {
                break;
            }
            kernel.returnHintBlock(pfn);
            n++;
        }
        return n;
    }

    /** The kernel had no memory for the free page queue's rings. */
    private static final class NoMemoryForQueue extends Exception {
        NoMemoryForQueue(String message) {
            super(message);
        }
    }

    /** One device behind one doorbell connection. */
    private final class Device {
        private int status;
        private final DoorbellClient mmio;
        private DriverVirtqueue<Object> queue;
        private int queueIndex;
        private int activeCmdId = Balloon.CMD_ID_STOP;
        private boolean configChanged;

        Device(DoorbellClient mmio) {
            this.mmio = mmio;
        }

        /**
         * Virtio initialization (virtio 1.x, "Device Initialization"): reset, ACKNOWLEDGE, DRIVER,
         * features, FEATURES_OK, the free page queue, DRIVER_OK. Returns false if the device offers
         * no free page hinting.
         */
        boolean initialize() throws IOException, NoMemoryForQueue {
            if (mmio.read(Mmio.MAGIC_VALUE, 4) != Mmio.MAGIC || mmio.read(Mmio.VERSION, 4) != Mmio.MMIO_VERSION
                    || mmio.read(Mmio.DEVICE_ID, 4) != Balloon.DEVICE_ID) {
                throw new IOException("the doorbell does not lead to a virtio-mmio balloon device");
            }
            returnBlocks(Long.MAX_VALUE);
            mmio.write(Mmio.STATUS, 4, 0);
            status = Mmio.STATUS_ACKNOWLEDGE | Mmio.STATUS_DRIVER;
            mmio.write(Mmio.STATUS, 4, Mmio.STATUS_ACKNOWLEDGE);
            mmio.write(Mmio.STATUS, 4, status);
            mmio.write(Mmio.DEVICE_FEATURES_SEL, 4, 0);
            long offered = mmio.read(Mmio.DEVICE_FEATURES, 4);
            mmio.write(Mmio.DEVICE_FEATURES_SEL, 4, 1);
            offered |= mmio.read(Mmio.DEVICE_FEATURES, 4) << 32;
            OptionalInt poison = kernel.pagePoison();
            long wanted = (1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT)
                    | (poison.isPresent() ? 1L << Balloon.F_PAGE_POISON : 0);
            long features = offered & wanted;
            if (!Balloon.has(features, Mmio.F_VERSION_1) || !Balloon.has(features, Balloon.F_FREE_PAGE_HINT)) {
                LOG.warn("the balloon device offers no free page hinting (features 0x{})", Long.toHexString(offered));
                mmio.write(Mmio.STATUS, 4, status | Mmio.STATUS_FAILED);
                return false;
            }
            mmio.write(Mmio.DRIVER_FEATURES_SEL, 4, 0);
            mmio.write(Mmio.DRIVER_FEATURES, 4, features & 0xFFFF_FFFFL);
            mmio.write(Mmio.DRIVER_FEATURES_SEL, 4, 1);
            mmio.write(Mmio.DRIVER_FEATURES, 4, features >>> 32);
            status |= Mmio.STATUS_FEATURES_OK;
            mmio.write(Mmio.STATUS, 4, status);
            if ((mmio.read(Mmio.STATUS, 4) & Mmio.STATUS_FEATURES_OK) == 0) {
                throw new IOException("the device did not accept features 0x" + Long.toHexString(features));
            }
            if (Balloon.has(features, Balloon.F_PAGE_POISON)) {
                // the poison byte repeated, as Linux's virtballoon_probe writes it
                mmio.write(Mmio.CONFIG + Balloon.CONFIG_POISON_VAL, 4, Integer.toUnsignedLong(poison.getAsInt() * 0x01010101));
            }
            setUpQueue(Balloon.freePageQueueIndex(features));
            mmio.write(Mmio.STATUS, 4, status | Mmio.STATUS_DRIVER_OK);
            activeCmdId = Balloon.CMD_ID_STOP;
            configChanged = true; // a round may be waiting already
            return true;
        }

        /** Sets FAILED on top of what the driver has set (virtio 1.x: the driver gave up on the device). */
        void fail() throws IOException {
            mmio.write(Mmio.STATUS, 4, status | Mmio.STATUS_FAILED);
        }

        private void setUpQueue(int index) throws IOException, NoMemoryForQueue {
            queueIndex = index;
            mmio.write(Mmio.QUEUE_SEL, 4, index);
            long max = mmio.read(Mmio.QUEUE_SIZE_MAX, 4);
            if (max < 2) {
                throw new IOException("the free page queue " + index + " has " + max + " entries; at least 2 are needed");
            }
            int size = (int) Math.min(PREFERRED_QUEUE_SIZE, Long.highestOneBit(max));
            if (ringBase < 0) {
                // allocated once for the preferred size and reused after every reset and reconnect, and by
                // the driver of a kernel taken up after a migration (the pages are recorded in guest RAM)
                ringBase = kernel.hintQueue().map(HintingSupport.HintQueue::descTable).orElse(-1L);
                if (ringBase < 0) {
                    long bytes = SplitRingLayout.contiguousBytes(PREFERRED_QUEUE_SIZE) + 2L * Balloon.CMD_ID_BYTES;
                    int order = 64 - Long.numberOfLeadingZeros((bytes + pageSize - 1) / pageSize - 1);
                    try {
                        ringBase = kernel.allocKernelPages(order) * pageSize;
                    } catch (IllegalStateException e) {
                        throw new NoMemoryForQueue(e.getMessage());
                    }
                }
                cmdActiveSlot = ringBase + SplitRingLayout.contiguousBytes(PREFERRED_QUEUE_SIZE);
                cmdStopSlot = cmdActiveSlot + Balloon.CMD_ID_BYTES;
            }
            SplitRingLayout layout = SplitRingLayout.contiguous(ringBase, size);
            // size 0 while the rings are rewritten: a guest paused in between is not a broken queue
            kernel.recordHintQueue(new HintingSupport.HintQueue(ringBase, 0, 0, cmdActiveSlot, 0));
            queue = new DriverVirtqueue<>(memory, layout);
            queue.suppressInterrupts(true); // used buffers are collected before each add, as Linux does
            memory.writeInt(cmdStopSlot, Balloon.CMD_ID_STOP);
            kernel.recordHintQueue(new HintingSupport.HintQueue(layout.descTable(), layout.availRing(), layout.usedRing(),
                    cmdActiveSlot, size));
            mmio.write(Mmio.QUEUE_SIZE, 4, size);
            writeAddress(Mmio.QUEUE_DESC_LOW, layout.descTable());
            writeAddress(Mmio.QUEUE_DRIVER_LOW, layout.availRing());
            writeAddress(Mmio.QUEUE_DEVICE_LOW, layout.usedRing());
            mmio.write(Mmio.QUEUE_READY, 4, 1);
            if (mmio.read(Mmio.QUEUE_READY, 4) != 1) {
                throw new IOException("the device did not take the free page queue");
            }
        }

        private void writeAddress(int lowRegister, long gpa) throws IOException {
            mmio.write(lowRegister, 4, gpa & 0xFFFF_FFFFL);
            mmio.write(lowRegister + 4, 4, gpa >>> 32);
        }

        /** Serves configuration changes until the device needs a reset or the doorbell closes. */
        void run() throws IOException {
            while (!isClosed()) {
                noteInterrupts(configChanged ? mmio.takeInterrupts() : mmio.awaitInterrupts(IDLE_WAIT));
                if (!configChanged) {
                    continue;
                }
                configChanged = false;
                if ((mmio.read(Mmio.STATUS, 4) & Mmio.STATUS_DEVICE_NEEDS_RESET) != 0) {
                    LOG.warn("the balloon device needs a reset; giving the hinted blocks back and starting over");
                    return;
                }
                int cmd = (int) mmio.read(Mmio.CONFIG + Balloon.CONFIG_FREE_PAGE_HINT_CMD_ID, 4);
                if (cmd == Balloon.CMD_ID_DONE) {
                    activeCmdId = Balloon.CMD_ID_DONE;
                    returnBlocks(Long.MAX_VALUE);
                } else if (cmd != Balloon.CMD_ID_STOP && cmd != activeCmdId) {
                    round(cmd);
                }
            }
        }

        /** With no free page hinting to do, waits for the doorbell to close, or {@code limit} (null: no limit). */
        void idle(Duration limit) throws IOException {
            long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
            while (!isClosed() && System.nanoTime() < deadline) {
                mmio.awaitInterrupts(IDLE_WAIT);
            }
        }

        private void noteInterrupts(int bits) throws IOException {
            if (bits != 0) {
                mmio.write(Mmio.INTERRUPT_ACK, 4, bits);
                configChanged |= (bits & Mmio.INTERRUPT_CONFIG_CHANGE) != 0;
            }
        }

        /** One round of hinting under {@code cmd}. */
        private void round(int cmd) throws IOException {
            activeCmdId = cmd;
            memory.writeInt(cmdActiveSlot, cmd);
            reclaimUsed();
            post(cmdActiveSlot, Balloon.CMD_ID_BYTES, false, cmdToken);
            long posted = 0;
            while (!isClosed()) {
                noteInterrupts(mmio.takeInterrupts());
                if (configChanged) {
                    configChanged = false;
                    int now = (int) mmio.read(Mmio.CONFIG + Balloon.CONFIG_FREE_PAGE_HINT_CMD_ID, 4);
                    if (now != cmd) {
                        configChanged = true; // let run() act on the new value after the STOP
                        break;
                    }
                }
                reclaimUsed();
                if (queue.freeSlots() <= 1) {
                    if (!waitForSpace()) {
                        break;
                    }
                    continue;
                }
                int added = 0;
                boolean outOfBlocks = false;
                int batch = pace.isZero() ? POST_BATCH : 1; // a slow guest posts its blocks one at a time
                for (int room = Math.min(batch, queue.freeSlots() - 1); added < room; added++) { // one slot stays for STOP
                    long pfn = kernel.takeHintBlock();
                    if (pfn < 0) {
                        outOfBlocks = true; // no more max-order blocks: the round is complete
                        break;
                    }
                    synchronized (hintedBlocks) {
                        hintedBlocks.add(pfn);
                    }
                    queue.add(pfn * pageSize, blockBytes, true, pfn);
                }
                if (added > 0) {
                    publishAndNotify();
                    posted += added;
                    if (!pace.isZero()) {
                        // a slow guest: the request spreads over rounds while its blocks wait with the device
                        try {
                            Thread.sleep(pace.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                if (outOfBlocks) {
                    break;
                }
            }
            reclaimUsed();
            post(cmdStopSlot, Balloon.CMD_ID_BYTES, false, cmdToken); // the slot kept free for it
            LOG.debug("round {}: {} blocks hinted", Integer.toUnsignedString(cmd), posted);
        }

        /** Waits for the device to use buffers; false if it used none within {@link #FULL_QUEUE_WAIT} or the id changed. */
        private boolean waitForSpace() throws IOException {
            queue.suppressInterrupts(false);
            try {
                long deadline = System.nanoTime() + FULL_QUEUE_WAIT.toNanos();
                while (!queue.hasUsed()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || isClosed()) {
                        LOG.warn("the device used no buffer within {} ms; ending the round", FULL_QUEUE_WAIT.toMillis());
                        return false;
                    }
                    noteInterrupts(mmio.awaitInterrupts(Duration.ofNanos(left)));
                    if (configChanged) {
                        return true; // the loop re-reads the id
                    }
                }
                return true;
            } finally {
                queue.suppressInterrupts(true);
            }
        }

        private void post(long gpa, int len, boolean deviceWritable, Object token) throws IOException {
            if (!queue.add(gpa, len, deviceWritable, token)) {
                throw new IOException("no free descriptor for a buffer the driver kept room for");
            }
            publishAndNotify();
        }

        private void publishAndNotify() throws IOException {
            queue.publish();
            if (queue.needsNotify()) {
                mmio.write(Mmio.QUEUE_NOTIFY, 4, queueIndex);
            }
        }

        private void reclaimUsed() {
            while (queue.takeUsed() != null) {
                // a used block stays hinted (and held) until DONE; only its descriptor comes back
            }
        }
    }
}
