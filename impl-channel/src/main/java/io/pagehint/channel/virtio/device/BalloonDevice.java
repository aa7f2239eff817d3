package io.pagehint.channel.virtio.device;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.vm.BadGuestAddressException;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.mmio.Mmio;
import io.pagehint.channel.virtio.ring.DeviceVirtqueue;
import io.pagehint.channel.virtio.ring.SplitRingLayout;
import io.pagehint.channel.virtio.ring.VirtqueueException;
import io.pagehint.channel.virtio.transport.MmioDevice;
import io.pagehint.channel.virtio.transport.MmioRegisterFile;
import java.time.Duration;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtio memory balloon device with free page hinting, behind a virtio-mmio register window
 * (docs/PROTOCOL.md part B). A state machine without I/O: register accesses come from the
 * doorbell, rounds are started and ended by the hint source, timeouts by the watchdog; each step
 * returns an {@link Outcome} its caller carries out after the lock is released.
 *
 * <p>The device is assembled from parts by job, each without a lock of its own, all guarded by
 * this object's lock: the transport's {@link MmioRegisterFile}, the {@link BalloonConfigSpace},
 * the {@link FreePageQueue} and the {@link FreePageHintRounds}. This class ties them together: which
 * queue exists with the negotiated features, when hinting is ready, what a device error does,
 * and when the driver hears of a new command id.
 *
 * <p>Behaviour follows the virtio 1.x balloon section: {@code free_page_hint_cmd_id} holds STOP,
 * DONE or the round's id; the driver acknowledges an id with a 4-byte output buffer and then posts
 * free blocks as device-writable buffers; its STOP buffer ends the round. As QEMU does
 * (hw/virtio/virtio-balloon.c, {@code get_free_page_hints}), a pass over the queue runs with
 * queue notifications off, and hints are only used while the round the driver acknowledged is
 * the current one. Unlike QEMU, which trusts the guest's buffers once they map to host memory,
 * every buffer is checked against the guest's usable RAM and a bad one puts the device in
 * DEVICE_NEEDS_RESET.
 */
public final class BalloonDevice {

    private static final Logger LOG = LoggerFactory.getLogger(BalloonDevice.class);

    /** The features this device offers (PROTOCOL.md B.3). */
    private static final long OFFERED_FEATURES = (1L << Balloon.F_FREE_PAGE_HINT) | (1L << Balloon.F_PAGE_POISON) | (1L << Mmio.F_VERSION_1);
    /** The VendorID register: "PHNT" read as a little-endian u32. */
    private static final int VENDOR_ID = 0x544E4850;
    /** The queues a driver may select: inflateq, deflateq, free_page_vq. */
    private static final int QUEUES = 3;

    private final String vmId;
    private final DeviceMemory memory;
    private final UsableRam ram;
    private final int queueSizeMax;
    private final Duration responseTimeout;

    // the parts, guarded by this
    private final MmioRegisterFile<Outcome> registers;
    private final BalloonConfigSpace config = new BalloonConfigSpace();
    private final FreePageHintRounds rounds = new FreePageHintRounds();
    /** The free page queue while the driver has it ready and the device works; null otherwise. */
    private FreePageQueue freePageQueue;

    // the driver behind the doorbell, guarded by this
    private boolean driverConnected;
    private long setupSinceNanos = System.nanoTime();

    public BalloonDevice(String vmId, DeviceMemory memory, UsableRam ram, int queueSizeMax, Duration responseTimeout) {
        if (queueSizeMax < 2 || queueSizeMax > SplitRingLayout.MAX_SIZE || Integer.bitCount(queueSizeMax) != 1) {
            throw new IllegalArgumentException("queue size must be a power of two from 2 to 32768: " + queueSizeMax);
        }
        this.vmId = vmId;
        this.memory = memory;
        this.ram = ram;
        this.queueSizeMax = queueSizeMax;
        this.responseTimeout = responseTimeout;
        this.registers = new MmioRegisterFile<>(vmId, new Backend(), VENDOR_ID, QUEUES);
    }

    // ------------------------------------------------------------------ register window (the doorbell)

    /** A register read (the caller checked offset and width with {@link Mmio#isValidAccess}); the value fits the width. */
    public synchronized long read(int offset, int width) {
        return registers.read(offset, width);
    }

    /** A register write; may process the free-page queue (QueueNotify) or reset the device. */
    public synchronized Outcome write(int offset, int width, long value) {
        return registers.write(offset, width, value);
    }

    /** Another pass over the free page queue, when the last one said there may be more. */
    public synchronized Outcome pollFreePageQueue() {
        return processFreePageQueue();
    }

    /** Back to the state after power-on, failing a round in flight; keeps the command-id counter. */
    public synchronized Outcome reset(String why) {
        Outcome o = Outcome.none();
        rounds.abandon(o, why);
        registers.reset(); // ConfigGeneration moves on: the configuration below is reset too
        freePageQueue = null;
        config.reset();
        setupSinceNanos = System.nanoTime(); // the driver sets the device up again from here
        rounds.driverReset(); // a driver gives its blocks back on reset
        return o;
    }

    /** A driver connected to the doorbell: it has the response timeout to set the device up. */
    public synchronized void driverConnected() {
        driverConnected = true;
        setupSinceNanos = System.nanoTime();
    }

    /** The doorbell connection ended. */
    public synchronized void driverDisconnected() {
        driverConnected = false;
    }

    // ------------------------------------------------------------------ readiness

    /**
     * Whether the hint source is worth publishing: a driver can hint, or a connected driver cannot
     * and its requests will say why — it gave up setting the device up (Status FAILED, as a Linux
     * driver whose probe fails leaves it), or it has not finished within the response timeout (its
     * guest runs no driver code, or it negotiated no hinting). A driver that is still setting up
     * within the timeout is not published yet, so a request does not race a normal start.
     */
    public synchronized boolean worthPublishing(long nowNanos) {
        return hintingReady() || (driverConnected && (registers.driverFailed()
                || nowNanos - setupSinceNanos >= responseTimeout.toNanos()));
    }

    /** Whether a driver can hint now: DRIVER_OK, free page hinting negotiated, its queue ready. */
    public synchronized boolean hintingReady() {
        return registers.driverOk() && !registers.needsReset() && freePageQueue != null && registers.negotiated(Balloon.F_FREE_PAGE_HINT);
    }

    /** The poison byte of the guest's free pages, if PAGE_POISON was negotiated and the value is one byte repeated. */
    public synchronized OptionalInt pagePoison() {
        return registers.negotiated(Balloon.F_PAGE_POISON) ? config.poisonByte() : OptionalInt.empty();
    }

    /** Why no round can start now, in the operator's words (PROTOCOL.md B.7). */
    private String notReadyReason(long nowNanos) {
        if (!driverConnected) {
            return "no virtio balloon driver is connected to the doorbell";
        }
        if (registers.driverFailed()) {
            boolean queueMissing = registers.featuresOk() && registers.negotiated(Balloon.F_FREE_PAGE_HINT) && freePageQueue == null;
            return "the guest's virtio balloon driver gave up setting up the device (it set FAILED"
                    + (queueMissing ? " after the features were accepted, before its free page queue was ready:"
                    + " it could not set up its queue, e.g. no memory for the rings)" : ")");
        }
        if (registers.needsReset()) {
            return "the device needs a reset after an error and the driver has not reset it";
        }
        if (registers.driverOk() && !registers.negotiated(Balloon.F_FREE_PAGE_HINT)) {
            return "the guest's virtio balloon driver did not negotiate free page hinting";
        }
        return "the guest's virtio balloon driver has not finished setting up the device in "
                + (nowNanos - setupSinceNanos) / 1_000_000 + " ms (Status 0x" + Integer.toHexString(registers.status())
                + ", no DRIVER_OK with a ready free page queue): the guest runs no driver code (paused?)";
    }

    // ------------------------------------------------------------------ rounds, as the hint source runs them

    /**
     * Starts a round for {@code request}: ends the previous one (STOP), writes a new wire id and
     * raises a configuration change.
     */
    public synchronized Outcome start(ActiveRequest request) {
        Outcome o = Outcome.none();
        if (!hintingReady()) {
            return o.finish(request, HintStatus.UNSUPPORTED, notReadyReason(System.nanoTime()));
        }
        if (registers.negotiated(Balloon.F_PAGE_POISON) && pagePoison().isEmpty()) {
            return o.finish(request, HintStatus.UNSUPPORTED, "the guest's poison value 0x" + Integer.toHexString(config.poisonValue())
                    + " is not one byte repeated");
        }
        announce(o, rounds.begin(request, o));
        return o;
    }

    /** The host stopped {@code request}: STOP in the config if it is the current round. */
    public synchronized Outcome stop(ActiveRequest request) {
        Outcome o = Outcome.none();
        if (rounds.stop(request)) {
            announce(o, Balloon.CMD_ID_STOP);
        }
        return o;
    }

    /** The host is done with {@code request}: DONE in the config, unless a newer round has started. */
    public synchronized Outcome done(ActiveRequest request) {
        Outcome o = Outcome.none();
        if (rounds.done(request)) {
            announce(o, Balloon.CMD_ID_DONE);
        }
        return o;
    }

    /** The device goes away: DONE, so the driver gives its blocks back, and the round in flight fails. */
    public synchronized Outcome shutdown(String why) {
        Outcome o = Outcome.none();
        rounds.abandon(o, why);
        announce(o, Balloon.CMD_ID_DONE);
        return o;
    }

    /** A driver that does not acknowledge a new id, or stops making progress in a round, is reset. */
    public synchronized Outcome checkTimeouts(long nowNanos) {
        String why = rounds.overdue(nowNanos, responseTimeout);
        return why == null ? Outcome.none() : deviceError(why);
    }

    /** Buffers ignored because they belonged to no current round. */
    public synchronized long staleBuffers() {
        return rounds.staleBuffers();
    }

    /** Pages handed on as hints over the device's life. */
    public synchronized long hintedPages() {
        return rounds.hintedPages();
    }

    /** The command id the config holds now (for tests and logs). */
    public synchronized int configCommandId() {
        return config.commandId();
    }

    /** Writes {@code id} to {@code free_page_hint_cmd_id} and, if a driver is there to hear it, raises a configuration change. */
    private void announce(Outcome o, int id) {
        config.setCommandId(id);
        registers.configChanged();
        if (hintingReady()) {
            raise(o, Mmio.INTERRUPT_CONFIG_CHANGE);
        }
    }

    // ------------------------------------------------------------------ the free page queue

    /**
     * One pass over the free page queue; hands the hints of the current round on (through the
     * outcome) only if the whole pass was valid, and ends the round when the driver's STOP came.
     */
    private Outcome processFreePageQueue() {
        if (freePageQueue == null || registers.needsReset() || !registers.driverOk()) {
            return Outcome.none();
        }
        ActiveRequest target = rounds.active();
        FreePageQueue.Pass pass;
        try {
            pass = freePageQueue.drain(rounds, config.commandId());
        } catch (VirtqueueException | BadGuestAddressException e) {
            return deviceError(e.getMessage());
        }
        Outcome o = Outcome.none();
        if (pass.more()) {
            o.more(); // the driver added more while we worked: another pass
        }
        if (pass.interrupt()) {
            raise(o, Mmio.INTERRUPT_USED_BUFFER);
        }
        FreeBlockRuns blocks = pass.blocks();
        if (blocks.pages() > 0 && target != null) {
            rounds.hinted(blocks.pages());
            o.deliver(target, new HintChunk.Ranges(target.commandId(), blocks.toArray()));
        }
        if (pass.roundEnded() && target != null) {
            o.finish(target, HintStatus.READY, rounds.completedDetail());
        }
        return o;
    }

    /** QueueReady of the free page queue (the register file calls only for a queue that exists). */
    private Outcome queueReady(int v, MmioDevice.QueueRegisters q) {
        if (v == 0) {
            freePageQueue = null;
            return Outcome.none();
        }
        int size = q.size();
        if (size < 2 || size > queueSizeMax || Integer.bitCount(size) != 1) {
            return deviceError("queue size " + size + " is not a power of two from 2 to " + queueSizeMax);
        }
        try {
            DeviceVirtqueue ring = new DeviceVirtqueue(memory, new SplitRingLayout(size, q.desc(), q.driver(), q.device()));
            freePageQueue = new FreePageQueue(ring, memory, ram);
            return Outcome.none();
        } catch (IllegalArgumentException | VirtqueueException e) {
            return deviceError("free page queue set up wrongly: " + e.getMessage());
        }
    }

    private boolean queueExists(int index) {
        return registers.featuresOk() && index == freePageQueueIndex() && registers.negotiated(Balloon.F_FREE_PAGE_HINT);
    }

    private int freePageQueueIndex() {
        return Balloon.freePageQueueIndex(registers.driverFeatures());
    }

    // ------------------------------------------------------------------ errors and interrupts

    /**
     * The driver broke a rule: fail the round, stop touching the queue, set DEVICE_NEEDS_RESET and
     * tell the driver with a configuration-change interrupt (virtio 1.x, "Device Status Field").
     */
    private Outcome deviceError(String why) {
        LOG.warn("{}: virtio balloon device error: {}; the device needs a reset", vmId, why);
        Outcome o = Outcome.none();
        rounds.fail(o, why);
        registers.setNeedsReset();
        freePageQueue = null;
        setupSinceNanos = System.nanoTime(); // the driver has the response timeout to reset and set up again
        if (registers.driverOk()) {
            raise(o, Mmio.INTERRUPT_CONFIG_CHANGE);
        }
        return o;
    }

    private void raise(Outcome o, int bits) {
        o.interrupt(bits, registers.raise(bits));
    }

    /** The device as its register file sees it; called under this device's lock, from {@link #read} and {@link #write}. */
    private final class Backend implements MmioDevice<Outcome> {

        @Override
        public int deviceId() {
            return Balloon.DEVICE_ID;
        }

        @Override
        public long offeredFeatures() {
            return OFFERED_FEATURES;
        }

        @Override
        public int queueSizeMax(int index) {
            return queueExists(index) ? queueSizeMax : 0;
        }

        @Override
        public boolean queueLive(int index) {
            return index == freePageQueueIndex() && freePageQueue != null;
        }

        @Override
        public Outcome queueReadyWritten(int index, int value, MmioDevice.QueueRegisters queue) {
            return queueReady(value, queue);
        }

        @Override
        public Outcome notified(int queue) {
            return queue == freePageQueueIndex() ? processFreePageQueue() : Outcome.none();
        }

        @Override
        public Outcome resetByDriver() {
            return reset("the driver reset the device");
        }

        @Override
        public int configByte(int at) {
            return config.readByte(at);
        }

        @Override
        public void writeConfigByte(int at, int value) {
            config.writeByte(at, value, registers.negotiated(Balloon.F_PAGE_POISON) && !registers.driverOk());
        }

        @Override
        public Outcome nothing() {
            return Outcome.none();
        }
    }
}
