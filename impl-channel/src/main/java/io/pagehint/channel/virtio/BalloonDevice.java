package io.pagehint.channel.virtio;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.vm.BadGuestAddressException;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.mmio.Mmio;
import io.pagehint.channel.virtio.ring.Descriptor;
import io.pagehint.channel.virtio.ring.DescriptorChain;
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
 * <p>Behaviour follows the virtio 1.x balloon section: {@code free_page_hint_cmd_id} holds STOP,
 * DONE or the round's id; the driver acknowledges an id with a 4-byte output buffer and then posts
 * free blocks as device-writable buffers; its STOP buffer ends the round. As QEMU does
 * (hw/virtio/virtio-balloon.c, {@code get_free_page_hints}), a pass over the queue runs with
 * queue notifications off, and hints are only used while the round the driver acknowledged is
 * the current one. Unlike QEMU, which trusts the guest's buffers once they map to host memory,
 * every buffer is checked against the guest's usable RAM and a bad one puts the device in
 * DEVICE_NEEDS_RESET.
 */
final class BalloonDevice {

    private static final Logger LOG = LoggerFactory.getLogger(BalloonDevice.class);

    /** The features this device offers (PROTOCOL.md B.3). */
    static final long OFFERED_FEATURES = (1L << Balloon.F_FREE_PAGE_HINT) | (1L << Balloon.F_PAGE_POISON) | (1L << Mmio.F_VERSION_1);
    /** The queues a driver may select: inflateq, deflateq, free_page_vq. */
    private static final int QUEUES = 3;

    private enum Round {
        /** No round: the config holds STOP or DONE. */
        IDLE,
        /** A new id is in the config; the driver has not acknowledged it yet. */
        REQUESTED,
        /** The driver acknowledged the id; its buffers are hints. */
        STARTED
    }

    private final String vmId;
    private final DeviceMemory memory;
    private final UsableRam ram;
    private final int queueSizeMax;
    private final Duration responseTimeout;

    /** The virtio-mmio transport in front of the device; guarded by this device's lock, as all else here. */
    private final MmioRegisterFile<Outcome> registers;
    private DeviceVirtqueue freePageQueue;

    // configuration space
    private int actual;
    private int cmdId = Balloon.CMD_ID_STOP;
    private int poisonVal;

    // free page hinting
    private Round round = Round.IDLE;
    private ActiveRequest active;
    private int lastWireId = -1;
    private long requestedNanos;
    private long progressNanos;
    private long staleBuffers;
    private long hintedPages;
    private long roundPages;
    /** Pages hinted since the driver last set the device up: the blocks it may still hold. */
    private long pagesSinceSetUp;

    // the driver behind the doorbell
    private boolean driverConnected;
    private long setupSinceNanos = System.nanoTime();

    BalloonDevice(String vmId, DeviceMemory memory, UsableRam ram, int queueSizeMax, Duration responseTimeout) {
        if (queueSizeMax < 2 || queueSizeMax > SplitRingLayout.MAX_SIZE || Integer.bitCount(queueSizeMax) != 1) {
            throw new IllegalArgumentException("queue size must be a power of two from 2 to 32768: " + queueSizeMax);
        }
        this.vmId = vmId;
        this.memory = memory;
        this.ram = ram;
        this.queueSizeMax = queueSizeMax;
        this.responseTimeout = responseTimeout;
        this.registers = new MmioRegisterFile<>(vmId, new Backend(), VirtioSettings.VENDOR_ID, QUEUES);
    }

    // ------------------------------------------------------------------ register window

    /** A register read (the caller checked offset and width with {@link Mmio#isValidAccess}); the value fits the width. */
    synchronized long read(int offset, int width) {
        return registers.read(offset, width);
    }

    /** A register write; may process the free-page queue (QueueNotify) or reset the device. */
    synchronized Outcome write(int offset, int width, long value) {
        return registers.write(offset, width, value);
    }

    private int configByte(int at) {
        int field = switch (at & ~3) {
            case Balloon.CONFIG_NUM_PAGES -> 0;
            case Balloon.CONFIG_ACTUAL -> actual;
            case Balloon.CONFIG_FREE_PAGE_HINT_CMD_ID -> cmdId;
            default -> poisonVal;
        };
        return (field >>> (8 * (at & 3))) & 0xFF;
    }

    private void writeConfigByte(int at, int b) {
        int field = at & ~3;
        int shift = 8 * (at & 3);
        if (field == Balloon.CONFIG_ACTUAL) {
            actual = (actual & ~(0xFF << shift)) | (b << shift);
        } else if (field == Balloon.CONFIG_POISON_VAL && negotiated(Balloon.F_PAGE_POISON) && !registers.driverOk()) {
            poisonVal = (poisonVal & ~(0xFF << shift)) | (b << shift);
        }
        // num_pages and free_page_hint_cmd_id are read-only for the driver
    }

    private boolean queueExists(int index) {
        return registers.featuresOk() && index == freePageQueueIndex() && negotiated(Balloon.F_FREE_PAGE_HINT);
    }

    private int freePageQueueIndex() {
        return Balloon.freePageQueueIndex(registers.driverFeatures());
    }

    private boolean negotiated(int bit) {
        return registers.negotiated(bit);
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
            freePageQueue = new DeviceVirtqueue(memory, new SplitRingLayout(size, q.desc(), q.driver(), q.device()));
            return Outcome.none();
        } catch (IllegalArgumentException | VirtqueueException e) {
            return deviceError("free page queue set up wrongly: " + e.getMessage());
        }
    }

    /** Back to the state after power-on, failing a round in flight; keeps the command-id counter. */
    synchronized Outcome reset(String why) {
        Outcome o = Outcome.none();
        if (active != null) { // a no-op for a request that has ended
            o.finish(active, HintStatus.FAILED, why);
        }
        active = null;
        round = Round.IDLE;
        registers.reset(); // ConfigGeneration moves on: the configuration below is reset too
        freePageQueue = null;
        actual = 0;
        cmdId = Balloon.CMD_ID_STOP;
        poisonVal = 0;
        setupSinceNanos = System.nanoTime(); // the driver sets the device up again from here
        pagesSinceSetUp = 0; // a driver gives its blocks back on reset
        return o;
    }

    /** A driver connected to the doorbell: it has the response timeout to set the device up. */
    synchronized void driverConnected() {
        driverConnected = true;
        setupSinceNanos = System.nanoTime();
    }

    /** The doorbell connection ended. */
    synchronized void driverDisconnected() {
        driverConnected = false;
    }

    /**
     * Whether the hint source is worth publishing: a driver can hint, or a connected driver cannot
     * and its requests will say why — it gave up setting the device up (Status FAILED, as a Linux
     * driver whose probe fails leaves it), or it has not finished within the response timeout (its
     * guest runs no driver code, or it negotiated no hinting). A driver that is still setting up
     * within the timeout is not published yet, so a request does not race a normal start.
     */
    synchronized boolean worthPublishing(long nowNanos) {
        return hintingReady() || (driverConnected && (registers.driverFailed()
                || nowNanos - setupSinceNanos >= responseTimeout.toNanos()));
    }

    /** Why no round can start now, in the operator's words (PROTOCOL.md B.7). */
    private String notReadyReason(long nowNanos) {
        if (!driverConnected) {
            return "no virtio balloon driver is connected to the doorbell";
        }
        if (registers.driverFailed()) {
            boolean queueMissing = registers.featuresOk() && negotiated(Balloon.F_FREE_PAGE_HINT) && freePageQueue == null;
            return "the guest's virtio balloon driver gave up setting up the device (it set FAILED"
                    + (queueMissing ? " after the features were accepted, before its free page queue was ready:"
                    + " it could not set up its queue, e.g. no memory for the rings)" : ")");
        }
        if (registers.needsReset()) {
            return "the device needs a reset after an error and the driver has not reset it";
        }
        if (registers.driverOk() && !negotiated(Balloon.F_FREE_PAGE_HINT)) {
            return "the guest's virtio balloon driver did not negotiate free page hinting";
        }
        return "the guest's virtio balloon driver has not finished setting up the device in "
                + (nowNanos - setupSinceNanos) / 1_000_000 + " ms (Status 0x" + Integer.toHexString(registers.status())
                + ", no DRIVER_OK with a ready free page queue): the guest runs no driver code (paused?)";
    }

    /**
     * The driver broke a rule: fail the round, stop touching the queue, set DEVICE_NEEDS_RESET and
     * tell the driver with a configuration-change interrupt (virtio 1.x, "Device Status Field").
     */
    private Outcome deviceError(String why) {
        LOG.warn("{}: virtio balloon device error: {}; the device needs a reset", vmId, why);
        Outcome o = Outcome.none();
        if (active != null) { // a no-op for a request that has ended
            o.finish(active, HintStatus.FAILED, why);
        }
        round = Round.IDLE;
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

    // ------------------------------------------------------------------ the free page queue

    /** Another pass over the free page queue, when the last one said there may be more. */
    synchronized Outcome pollFreePageQueue() {
        return processFreePageQueue();
    }

    /**
     * One pass over the free page queue, with queue notifications off: takes at most a queue's worth
     * of chains, checks them all, returns them used, and hands the hints of the current round on
     * (through the outcome) only if the whole pass was valid.
     */
    private Outcome processFreePageQueue() {
        DeviceVirtqueue q = freePageQueue;
        if (q == null || registers.needsReset() || !registers.driverOk()) {
            return Outcome.none();
        }
        Outcome o = Outcome.none();
        RunCollector hints = new RunCollector();
        boolean roundEnded = false;
        int used = 0;
        ActiveRequest target = active;
        try {
            q.suppressNotifications(true);
            int n = q.pending();
            for (int i = 0; i < n; i++) {
                DescriptorChain chain = q.pop();
                roundEnded |= take(chain, hints);
                q.pushUsed(chain.head(), 0);
                used++;
            }
            q.suppressNotifications(false);
            if (q.pending() > 0) {
                o.more(); // the driver added more while we worked: another pass
            }
            if (used > 0) {
                q.publishUsed();
                progressNanos = System.nanoTime();
                if (!q.interruptsSuppressed()) {
                    raise(o, Mmio.INTERRUPT_USED_BUFFER);
                }
            }
        } catch (VirtqueueException | BadGuestAddressException e) {
            return deviceError(e.getMessage());
        }
        if (hints.pages() > 0 && target != null) {
            hintedPages += hints.pages();
            roundPages += hints.pages();
            pagesSinceSetUp += hints.pages();
            o.deliver(target, new HintChunk.Ranges(target.commandId(), hints.toArray()));
        }
        if (roundEnded && target != null) {
            // a complete round without a block is an answer, not a fault; when the driver holds none from
            // earlier rounds either (then its free blocks are simply still held), say why there were none
            o.finish(target, HintStatus.READY, roundPages > 0 || pagesSinceSetUp > 0 ? ""
                    : "the guest's driver hinted no free block: it had no free block of its hint order above its watermark");
        }
        return o;
    }

    /**
     * Takes one chain: a command-id buffer or free blocks. Returns whether it ended the round.
     *
     * @throws VirtqueueException if the chain breaks a rule of the free page queue
     */
    private boolean take(DescriptorChain chain, RunCollector hints) throws VirtqueueException {
        Descriptor first = chain.descriptors().get(0);
        if (!first.writable()) {
            if (chain.descriptors().size() != 1 || first.len() != Balloon.CMD_ID_BYTES || first.flags() != 0) {
                throw new VirtqueueException("a command-id buffer must be one 4-byte device-readable descriptor");
            }
            return commandIdArrived(memory.readInt(first.addr()));
        }
        for (Descriptor d : chain.descriptors()) {
            if (!ram.containsPages(d.addr(), d.len())) {
                throw new VirtqueueException("free block 0x" + Long.toHexString(d.addr()) + "+" + d.len()
                        + " is not whole pages of usable guest RAM");
            }
        }
        if (round != Round.STARTED) {
            staleBuffers++;
            return false;
        }
        for (Descriptor d : chain.descriptors()) {
            hints.add(d.addr() / ram.pageSize(), d.len() / ram.pageSize());
        }
        return false;
    }

    private boolean commandIdArrived(int id) {
        if (round == Round.REQUESTED && id == cmdId) {
            round = Round.STARTED;
            progressNanos = System.nanoTime();
            return false;
        }
        if (id == Balloon.CMD_ID_STOP && round == Round.STARTED) {
            round = Round.IDLE; // the driver has no more blocks: the round is complete
            return true;
        }
        staleBuffers++; // an old round's id, or the STOP of a round the host ended first
        return false;
    }

    // ------------------------------------------------------------------ rounds, as the hint source runs them

    /** Whether a driver can hint now: DRIVER_OK, free page hinting negotiated, its queue ready. */
    synchronized boolean hintingReady() {
        return registers.driverOk() && !registers.needsReset() && freePageQueue != null && negotiated(Balloon.F_FREE_PAGE_HINT);
    }

    /** The poison byte of the guest's free pages, if PAGE_POISON was negotiated and the value is one byte repeated. */
    synchronized OptionalInt pagePoison() {
        if (!negotiated(Balloon.F_PAGE_POISON)) {
            return OptionalInt.empty();
        }
        int b = poisonVal & 0xFF;
        return poisonVal == b * 0x01010101 ? OptionalInt.of(b) : OptionalInt.empty();
    }

    /**
     * Starts a round for {@code request}: ends the previous one (STOP), writes a new wire id and
     * raises a configuration change.
     */
    synchronized Outcome start(ActiveRequest request) {
        Outcome o = Outcome.none();
        if (!hintingReady()) {
            return o.finish(request, HintStatus.UNSUPPORTED, notReadyReason(System.nanoTime()));
        }
        if (negotiated(Balloon.F_PAGE_POISON) && pagePoison().isEmpty()) {
            return o.finish(request, HintStatus.UNSUPPORTED, "the guest's poison value 0x" + Integer.toHexString(poisonVal)
                    + " is not one byte repeated");
        }
        if (active != null) { // a no-op for a request that has ended
            o.finish(active, HintStatus.FAILED, "superseded by command " + request.commandId());
        }
        lastWireId = Balloon.nextCommandId(lastWireId);
        active = request;
        roundPages = 0;
        round = Round.REQUESTED;
        requestedNanos = System.nanoTime();
        announce(o, lastWireId);
        return o;
    }

    /** The host stopped {@code request}: STOP in the config if it is the current round. */
    synchronized Outcome stop(ActiveRequest request) {
        Outcome o = Outcome.none();
        if (active == request && round != Round.IDLE) {
            round = Round.IDLE;
            announce(o, Balloon.CMD_ID_STOP);
        }
        return o;
    }

    /** The host is done with {@code request}: DONE in the config, unless a newer round has started. */
    synchronized Outcome done(ActiveRequest request) {
        Outcome o = Outcome.none();
        if (active == request) {
            round = Round.IDLE;
            active = null;
            announce(o, Balloon.CMD_ID_DONE);
        }
        return o;
    }

    /** The device goes away: DONE, so the driver gives its blocks back, and the round in flight fails. */
    synchronized Outcome shutdown(String why) {
        Outcome o = Outcome.none();
        if (active != null) { // a no-op for a request that has ended
            o.finish(active, HintStatus.FAILED, why);
        }
        active = null;
        round = Round.IDLE;
        announce(o, Balloon.CMD_ID_DONE);
        return o;
    }

    /** Writes {@code id} to {@code free_page_hint_cmd_id} and, if a driver is there to hear it, raises a configuration change. */
    private void announce(Outcome o, int id) {
        cmdId = id;
        registers.configChanged();
        if (hintingReady()) {
            raise(o, Mmio.INTERRUPT_CONFIG_CHANGE);
        }
    }

    /** A driver that does not acknowledge a new id, or stops making progress in a round, is reset. */
    synchronized Outcome checkTimeouts(long nowNanos) {
        long limit = responseTimeout.toNanos();
        if (round == Round.REQUESTED && nowNanos - requestedNanos > limit) {
            return deviceError("guest did not answer: command id not acknowledged within " + responseTimeout.toMillis()
                    + " ms (a paused guest runs no driver code)");
        }
        if (round == Round.STARTED && nowNanos - progressNanos > limit) {
            return deviceError("guest did not answer: no free blocks and no STOP within " + responseTimeout.toMillis() + " ms");
        }
        return Outcome.none();
    }

    /** Buffers ignored because they belonged to no current round. */
    synchronized long staleBuffers() {
        return staleBuffers;
    }

    /** Pages handed on as hints over the device's life. */
    synchronized long hintedPages() {
        return hintedPages;
    }

    /** The command id the config holds now (for tests and logs). */
    synchronized int configCommandId() {
        return cmdId;
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
            return BalloonDevice.this.configByte(at);
        }

        @Override
        public void writeConfigByte(int at, int value) {
            BalloonDevice.this.writeConfigByte(at, value);
        }

        @Override
        public Outcome nothing() {
            return Outcome.none();
        }
    }

    /** Free blocks of one pass as runs of PFNs, adjacent blocks merged. */
    private static final class RunCollector {
        private long[] runs = new long[16];
        private int n;
        private long pages;

        void add(long firstPfn, long count) {
            pages += count;
            if (n > 0 && runs[n - 2] + runs[n - 1] == firstPfn) {
                runs[n - 1] += count;
                return;
            }
            if (n == runs.length) {
                runs = java.util.Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = firstPfn;
            runs[n++] = count;
        }

        long pages() {
            return pages;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(runs, n);
        }
    }
}
