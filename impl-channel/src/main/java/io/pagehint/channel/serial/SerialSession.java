package io.pagehint.channel.serial;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintException;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.serial.wire.Direction;
import io.pagehint.channel.serial.wire.ErrorCode;
import io.pagehint.channel.serial.wire.Features;
import io.pagehint.channel.serial.wire.FrameReader;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.serial.wire.Message.BitmapDone;
import io.pagehint.channel.serial.wire.Message.BitmapRequest;
import io.pagehint.channel.serial.wire.Message.ChunkRanges;
import io.pagehint.channel.serial.wire.Message.ChunkWords;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.MemInfo;
import io.pagehint.channel.serial.wire.Message.MemInfoRequest;
import io.pagehint.channel.serial.wire.Message.Stop;
import io.pagehint.channel.serial.wire.Message.Welcome;
import io.pagehint.channel.serial.wire.WireException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host end of one guest connection on the serial port: the state machine of PROTOCOL.md A.4.
 * {@link #run()} reads frames on the calling thread until the connection ends; the engine's threads
 * start requests, stop them and ask for memory info; the watchdog calls {@link #checkTimeouts}.
 * Every frame is checked before anything in it is used; every chunk is checked against the
 * guest's usable RAM before it reaches a consumer. A broken rule sends ERROR and ends the session;
 * no exception leaves {@link #run()} and nothing reaches the consumer from a bad frame.
 *
 * <p><b>Threads and state.</b> Three kinds of thread touch a session: the reader thread in
 * {@link #run()}, the engine's threads (requests, STOP, memory info, the hint source's queries) and
 * the watchdog. The rule is one: <em>every mutable field is guarded by this session's monitor</em>
 * (there are no volatile fields and no other lock). Two things follow from it:
 * <ul>
 * <li>No thread holds the monitor while it blocks or calls out: a write to the guest, closing the
 *     connection, a consumer ({@link ActiveRequest#deliver}, {@link ActiveRequest#finish}), a memory-info
 *     waiter or the {@link Listener} run after the monitor is released, on what was decided under it.
 *     So a guest that does not read, or a slow consumer, never stops the watchdog from seeing it, and
 *     no lock of the port or of a request is ever taken inside this one.</li>
 * <li>A write blocks while the guest does not read, so it is not done under the monitor; the
 *     writer is handed out in turns by it instead ({@link #send}): a sender waits on the monitor
 *     until no other thread writes, marks itself the writer with the time it started, writes outside
 *     the monitor, and hands the writer back. ({@link FrameWriter} keeps frames whole by itself; the
 *     turn is there so that the start time the watchdog reads is the start of the write that is
 *     stuck, with which it cuts off a guest that does not take a frame.)</li>
 * </ul>
 * The frame reader is used by the reader thread alone.
 */
final class SerialSession implements ActiveRequest.Transport {

    /** What the port does when the session is ready or over. */
    interface Listener {
        /** The handshake succeeded: the session takes requests. Called on the reader thread. */
        void welcomed(SerialSession session);

        /** The session is over; called once, on the reader thread, after the request in flight failed. */
        void ended(SerialSession session, String why);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SerialSession.class);

    private final FrameReader reader;
    private final FrameWriter writer;
    private final Closeable connection;
    private final UsableRam ram;
    private final SerialSettings settings;
    private final Listener listener;
    private final long startedNanos = System.nanoTime();

    // all of the following is guarded by this (see the class comment)

    // the connection
    private boolean welcomed;
    private boolean ended;
    private long features;
    private int poison = -1;
    private long lastActivityNanos = System.nanoTime();
    /** Whether a thread holds the writer's turn ({@link #send}). */
    private boolean writing;
    /** When the thread that holds the writer's turn started to write; 0 while nobody writes. */
    private long writingSinceNanos;
    private String endReason;

    // the request in flight and the memory-info questions
    private ActiveRequest active;
    private boolean guestWorking;
    private boolean stopSent;
    private long latestIssued;
    private long acceptedPages;
    private long acceptedChunks;
    private long nextPfn; // chunks of a request come in ascending PFN order, none overlapping an earlier one
    private long staleFrames;
    private final Map<Long, CompletableFuture<GuestMemInfo>> memInfoWaiters = new HashMap<>();
    private long latestTag;

    SerialSession(ReadableByteChannel in, WritableByteChannel out, Closeable connection, UsableRam ram,
                  SerialSettings settings, Listener listener) {
        this.reader = new FrameReader(in, Direction.GUEST_TO_HOST);
        this.writer = new FrameWriter(out);
        this.connection = connection;
        this.ram = ram;
        this.settings = settings;
        this.listener = listener;
    }

    /** Serves the connection until it ends. Never throws. */
    void run() {
        String why = "guest disconnected";
        try {
            for (Message m = reader.read(); m != null; m = reader.read()) {
                handle(m, frameArrived());
                if (isEnded()) {
                    break;
                }
            }
        } catch (WireException e) {
            why = "guest broke the protocol: " + e.getMessage();
            LOG.warn("{}: {}; resetting the channel", settings.vmId(), why);
            sendError(e.code(), e.commandId(), e.getMessage());
        } catch (EOFException e) {
            why = "guest disconnected inside a frame";
        } catch (IOException e) {
            why = isEnded() ? why : "connection failed: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "host end failed: " + e;
            LOG.error("{}: serial session failed", settings.vmId(), e);
            sendError(ErrorCode.INTERNAL, 0, "host end failed");
        } finally {
            end(why);
        }
    }

    /** What a frame from the guest is read against: the connection's state when it arrived. */
    private record Arrival(boolean welcomed, long features) {
    }

    /** A frame arrived: the guest is alive. */
    private synchronized Arrival frameArrived() {
        lastActivityNanos = System.nanoTime();
        return new Arrival(welcomed, features);
    }

    private synchronized boolean isEnded() {
        return ended;
    }

    private void handle(Message m, Arrival arrival) throws IOException {
        if (!arrival.welcomed()) {
            if (!(m instanceof Hello hello)) {
                throw new WireException(ErrorCode.BAD_STATE, m.type() + " before HELLO");
            }
            welcome(hello);
            return;
        }
        if (m instanceof Hello) {
            throw new WireException(ErrorCode.BAD_STATE, "a second HELLO");
        } else if (m instanceof MemInfo info) {
            memInfoArrived(info);
        } else if (m instanceof ChunkWords c) {
            chunkArrived(c.commandId(), c.firstPfn(), c.firstPfn() + 64L * c.words().length, c.pages(), () -> wordsChunk(c));
        } else if (m instanceof ChunkRanges c) {
            if (!Features.has(arrival.features(), Features.RANGES)) {
                throw new WireException(ErrorCode.BAD_STATE, c.commandId(), "CHUNK_RANGES without F_RANGES");
            }
            long[] runs = c.runs();
            chunkArrived(c.commandId(), runs[0], runs[runs.length - 2] + runs[runs.length - 1], c.pages(), () -> rangesChunk(c));
        } else if (m instanceof BitmapDone d) {
            doneArrived(d);
        } else if (m instanceof Message.Error e) {
            errorArrived(e);
        } else {
            throw new WireException(ErrorCode.UNKNOWN_TYPE, m.type() + " is not sent by a guest");
        }
    }

    private void welcome(Hello hello) throws IOException {
        if (hello.pageSize() != ram.pageSize()) {
            throw new WireException(ErrorCode.INCOMPATIBLE, "guest page size " + hello.pageSize()
                    + " differs from the layout's " + ram.pageSize());
        }
        long accepted = hello.features() & Features.KNOWN;
        if (!settings.acceptPagePoison()) {
            accepted &= ~Features.PAGE_POISON;
        }
        int frame = Math.min(hello.maxFrame(), settings.maxFrameBytes());
        takeWriterTurn();
        try {
            // WELCOME goes out under the old limit; every frame after it, from any thread, under the new one
            writer.write(new Welcome(settings.maxFrameBytes(), accepted));
            writer.setLimit(frame);
        } finally {
            releaseWriterTurn();
        }
        reader.setLimit(frame);
        int poisonByte = Features.has(accepted, Features.PAGE_POISON) ? hello.poison() : -1;
        synchronized (this) {
            features = accepted;
            poison = poisonByte;
            welcomed = true;
        }
        LOG.info("{}: guest driver connected (features 0x{}, frames up to {} bytes{})", settings.vmId(),
                Long.toHexString(accepted), frame, poisonByte >= 0 ? ", free pages poisoned with 0x" + Integer.toHexString(poisonByte) : "");
        listener.welcomed(this);
    }

    /** Decides what a chunk's command id means (PROTOCOL.md A.4, host rules). */
    private interface ChunkBuilder {
        HintChunk build() throws WireException;
    }

    private void chunkArrived(long commandId, long firstPfn, long endPfn, long pages, ChunkBuilder builder) throws WireException {
        ActiveRequest target;
        synchronized (this) {
            if (!isCurrent(commandId)) {
                staleFrames++;
                return;
            }
            // a page hinted twice would count twice in the report's pages: PROTOCOL.md A.4 orders chunks
            if (Long.compareUnsigned(firstPfn, nextPfn) < 0) {
                throw new WireException(ErrorCode.BAD_HINT, commandId, "a chunk from PFN " + firstPfn
                        + " is below the end of the previous chunk, PFN " + Long.toUnsignedString(nextPfn));
            }
            nextPfn = endPfn;
            acceptedPages += pages;
            acceptedChunks++;
            target = active;
        }
        // validated in full before any of it is used; a bad chunk ends the session, the request fails
        HintChunk chunk = builder.build();
        if (!target.deliver(chunk)) {
            synchronized (this) {
                staleFrames++;
            }
        }
    }

    /** Whether {@code commandId} is the request the guest works on; throws if it was never issued. */
    private boolean isCurrent(long commandId) throws WireException {
        if (commandId <= 0 || commandId > latestIssued) {
            throw new WireException(ErrorCode.BAD_COMMAND_ID, commandId, "command id " + Long.toUnsignedString(commandId)
                    + " was never issued");
        }
        return active != null && active.commandId() == commandId && guestWorking;
    }

    private HintChunk wordsChunk(ChunkWords c) throws WireException {
        if (!ram.wordsInside(c.firstPfn(), c.words())) {
            throw new WireException(ErrorCode.BAD_HINT, c.commandId(), "a chunk from PFN " + c.firstPfn()
                    + " marks pages that are not usable guest RAM");
        }
        return new HintChunk.Words(c.commandId(), c.firstPfn(), c.words());
    }

    private HintChunk rangesChunk(ChunkRanges c) throws WireException {
        long[] runs = c.runs();
        for (int i = 0; i < runs.length; i += 2) {
            if (!ram.containsRun(runs[i], runs[i + 1])) {
                throw new WireException(ErrorCode.BAD_HINT, c.commandId(), "run " + runs[i] + "+" + runs[i + 1]
                        + " is not usable guest RAM");
            }
        }
        return new HintChunk.Ranges(c.commandId(), runs);
    }

    private void doneArrived(BitmapDone d) throws WireException {
        ActiveRequest target;
        boolean totalsMatch;
        synchronized (this) {
            if (!isCurrent(d.commandId())) {
                staleFrames++;
                return;
            }
            guestWorking = false;
            target = active;
            totalsMatch = d.pages() == acceptedPages && Integer.toUnsignedLong(d.chunks()) == acceptedChunks;
        }
        if (!d.complete()) {
            target.finish(HintStatus.FAILED, "the guest stopped before it finished");
            return;
        }
        if (!totalsMatch && target.inProgress()) {
            throw new WireException(ErrorCode.BAD_HINT, d.commandId(), "BITMAP_DONE reports " + Long.toUnsignedString(d.pages()) + " pages in "
                    + Integer.toUnsignedString(d.chunks()) + " chunks, the host received " + target.pages() + " in " + target.chunks());
        }
        target.finish(HintStatus.READY, "");
    }

    private void errorArrived(Message.Error e) throws IOException {
        if (e.isFatal()) {
            ErrorCode code = e.errorCode();
            synchronized (this) {
                endReason = "guest reported " + (code == null ? "error " + e.code() : code) + ": " + e.message();
                ended = true;
            }
            return;
        }
        ActiveRequest target;
        synchronized (this) {
            if (!isCurrent(e.commandId())) {
                staleFrames++;
                return;
            }
            guestWorking = false;
            target = active;
        }
        target.finish(HintStatus.UNSUPPORTED, "the guest refused: " + e.message());
    }

    private void memInfoArrived(MemInfo info) throws WireException {
        if (info.pageSize() != ram.pageSize()) {
            throw new WireException(ErrorCode.BAD_FIELD, "MEMINFO page size " + info.pageSize() + " differs from HELLO's");
        }
        CompletableFuture<GuestMemInfo> waiter;
        synchronized (this) {
            if (Long.compareUnsigned(info.tag(), latestTag) > 0 || info.tag() == 0) {
                throw new WireException(ErrorCode.BAD_STATE, "MEMINFO for tag " + Long.toUnsignedString(info.tag())
                        + " that was never asked");
            }
            waiter = memInfoWaiters.remove(info.tag());
            if (waiter == null) {
                staleFrames++;
                return;
            }
        }
        waiter.complete(new GuestMemInfo(info.freePages(), info.cachedPages(), info.maxPfn(), info.pageSize()));
    }

    // ------------------------------------------------------------------ engine side

    synchronized boolean isWelcomed() {
        return welcomed && !ended;
    }

    synchronized OptionalInt pagePoison() {
        return poison < 0 ? OptionalInt.empty() : OptionalInt.of(poison);
    }

    /** Starts a request; ends the previous one. Never throws for a channel problem. */
    ActiveRequest startRequest(HintRequestOptions options, HintConsumer consumer) {
        ActiveRequest request = new ActiveRequest(options.commandId(), consumer, this);
        ActiveRequest previous;
        boolean previousWorking;
        boolean dropCache;
        boolean sessionEnded;
        synchronized (this) {
            sessionEnded = ended;
            if (sessionEnded) {
                previous = null;
                previousWorking = false;
                dropCache = false;
            } else {
                previous = active;
                previousWorking = guestWorking && !stopSent;
                active = request;
                guestWorking = true;
                stopSent = false;
                latestIssued = options.commandId();
                acceptedPages = 0;
                acceptedChunks = 0;
                nextPfn = 0;
                dropCache = options.dropCleanPageCache() && Features.has(features, Features.DROP_CACHE);
                lastActivityNanos = System.nanoTime();
            }
        }
        if (sessionEnded) { // finished outside the monitor: finishing calls the consumer
            request.finish(HintStatus.FAILED, "guest disconnected");
            return request;
        }
        try {
            if (previous != null) {
                previous.finish(HintStatus.FAILED, "superseded by command " + options.commandId());
                if (previousWorking) {
                    send(new Stop(previous.commandId()));
                }
            }
            send(new BitmapRequest(options.commandId(), dropCache ? BitmapRequest.DROP_CLEAN_CACHE : 0));
        } catch (IOException e) {
            abort("sending the request failed: " + e.getMessage());
        }
        return request;
    }

    @Override
    public void stopRequested(ActiveRequest request) {
        boolean tell;
        synchronized (this) {
            tell = active == request && guestWorking && !stopSent && !ended;
            stopSent |= tell;
        }
        if (tell) {
            try {
                send(new Stop(request.commandId()));
            } catch (IOException e) {
                abort("sending STOP failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void doneRequested(ActiveRequest request) {
        // the serial guest sets no pages aside: nothing to give back
    }

    /** Section 7a over the wire. */
    GuestMemInfo memInfo(Duration timeout) throws HintException {
        CompletableFuture<GuestMemInfo> waiter = new CompletableFuture<>();
        long tag;
        synchronized (this) {
            if (ended) {
                throw new HintException("guest disconnected");
            }
            tag = ++latestTag;
            memInfoWaiters.put(tag, waiter);
            lastActivityNanos = System.nanoTime();
        }
        try {
            send(new MemInfoRequest(tag));
            return waiter.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort("guest did not answer MEMINFO_REQUEST within " + timeout.toMillis() + " ms");
            throw new HintException("guest did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            abort("sending MEMINFO_REQUEST failed: " + e.getMessage());
            throw new HintException("sending the memory-info request failed", e);
        } catch (ExecutionException e) {
            throw new HintException("memory info failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HintException("interrupted while waiting for memory info");
        } finally {
            synchronized (this) {
                memInfoWaiters.remove(tag);
            }
        }
    }

    /**
     * Called by the watchdog: ends the session if the guest did not say HELLO in time, stayed silent
     * too long while the host waits for it, or does not take what the host writes.
     */
    void checkTimeouts(long nowNanos) {
        String why = timeoutReason(nowNanos);
        if (why != null) {
            abort(why);
        }
    }

    /** Why the watchdog must end the session now, or null. */
    private synchronized String timeoutReason(long nowNanos) {
        if (ended) {
            return null;
        }
        if (!welcomed && nowNanos - startedNanos > settings.helloTimeout().toNanos()) {
            return "no HELLO within " + settings.helloTimeout().toMillis() + " ms";
        }
        if (writingSinceNanos != 0 && nowNanos - writingSinceNanos > settings.responseTimeout().toNanos()) {
            return "guest did not take a frame within " + settings.responseTimeout().toMillis() + " ms";
        }
        boolean waiting = guestWorking || !memInfoWaiters.isEmpty();
        if (waiting && nowNanos - lastActivityNanos > settings.responseTimeout().toNanos()) {
            return "guest did not answer within " + settings.responseTimeout().toMillis() + " ms";
        }
        return null;
    }

    /** The host goes away: tells the guest (best effort) and closes. */
    void shutdown(String why) {
        sendError(ErrorCode.SHUTDOWN, 0, why);
        abort(why);
    }

    /** Ends the session from any thread: closing the connection wakes the reader, which cleans up. */
    void abort(String why) {
        synchronized (this) {
            if (endReason == null) {
                endReason = why;
            }
            ended = true;
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.debug("closing the serial connection failed", e);
        }
    }

    /** Writes one frame when it is this thread's turn (see the class comment). */
    private void send(Message m) throws IOException {
        takeWriterTurn();
        try {
            writer.write(m);
        } finally {
            releaseWriterTurn();
        }
    }

    /**
     * Waits until no other thread writes, then holds the writer's turn. Not interruptible, as a
     * write is not: an interrupt that arrives while waiting is kept for the caller.
     */
    private void takeWriterTurn() {
        boolean interrupted = false;
        synchronized (this) {
            while (writing) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            writing = true;
            writingSinceNanos = System.nanoTime();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void releaseWriterTurn() {
        writing = false;
        writingSinceNanos = 0;
        notifyAll();
    }

    private void sendError(ErrorCode code, long commandId, String text) {
        try {
            send(new Message.Error(code, commandId, text));
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not send ERROR {}: {}", code, e.toString());
        }
    }

    private void end(String why) {
        String reason;
        ActiveRequest request;
        Map<Long, CompletableFuture<GuestMemInfo>> waiters;
        boolean wasWelcomed;
        synchronized (this) {
            reason = endReason != null ? endReason : why;
            endReason = reason;
            ended = true;
            wasWelcomed = welcomed;
            request = active;
            guestWorking = false;
            waiters = new HashMap<>(memInfoWaiters);
            memInfoWaiters.clear();
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.debug("closing the serial connection failed", e);
        }
        if (request != null) {
            request.finish(HintStatus.FAILED, reason);
        }
        waiters.values().forEach(w -> w.completeExceptionally(new HintException(reason)));
        if (wasWelcomed) {
            LOG.info("{}: guest driver gone: {}", settings.vmId(), reason);
        }
        listener.ended(this, reason);
    }

    /** Why the session ended, or null while it runs. */
    synchronized String endReason() {
        return ended ? endReason : null;
    }

    /** Frames for requests that had ended, dropped. */
    synchronized long staleFrames() {
        return staleFrames;
    }
}
