package io.pagehint.engine.source;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import io.pagehint.api.migration.RoundReport;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.engine.EngineSettings;
import io.pagehint.engine.Services;
import io.pagehint.engine.hints.HintGate;
import io.pagehint.engine.hints.HintRounds;
import io.pagehint.engine.memory.MigrationBitmap;
import io.pagehint.engine.report.Events;
import io.pagehint.engine.report.MigrationBase;
import io.pagehint.engine.stream.Replies;
import io.pagehint.engine.stream.RoundKind;
import io.pagehint.engine.stream.SelfCheckReply;
import io.pagehint.engine.stream.StreamWriter;
import io.pagehint.engine.transport.Connector;
import io.pagehint.engine.transport.StreamChannel;
import io.pagehint.engine.transport.TlsCredentials;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source end of one migration: pre-copy in rounds over one TCP connection.
 *
 * <pre>
 * setup:   connect, header, LAYOUT, wait for ACCEPT, start the dirty log, mark every page,
 * round r: ask for hints with the next id of the engine-wide command id counter (ids rise over
 *          the life of a hint source, across migrations), send the migration bitmap while hints clear it,
 *          stop hints, [send fills for hinted pages of a poisoning guest], harvest the dirty log,
 *          stop-and-copy when what is left fits the downtime limit or r reaches the round limit
 * final:   stop hints for good, pause the guest, harvest, send the rest, END, wait for RESULT
 * </pre>
 *
 * Whatever happens the guest ends up whole: a failed or cancelled migration resumes a paused
 * guest and removes its throttle; a completed one leaves it paused, since it now runs on the destination.
 */
public final class SourceMigration extends MigrationBase implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceMigration.class);

    private final VirtualMachine vm;
    private final InetSocketAddress destination;
    private final MigrationOptions options;
    private final Services services;
    private final EngineSettings settings;
    private final AtomicLong commandIds;
    /** Only the engine's test seam sets it: switches off "no hint after the harvest" to prove the race tests can fail. */
    private final boolean applyStaleHints;
    private final GuestMemoryLayout layout;
    private final MigrationBitmap migration;
    private final List<RoundReport> rounds = new ArrayList<>();

    private volatile StreamChannel channel;
    /** Streams 1 and up, once connected. */
    private final List<StreamChannel> extraChannels = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The TCP connection while it is being set up (connect, TLS handshake), so a cancel can close it. */
    private volatile Closeable connecting;
    private volatile HintRounds hints;
    private volatile int round;
    private volatile long pagesLeft = -1;
    private StreamWriter writer;
    /** Every stream's writer, stream 0 first, as they are set up: the stall watch looks at each. */
    private final List<StreamWriter> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every stream's sender: stream 0's is the migration thread's, the others send in parallel. */
    private PageStreams sender;
    private HintReport hintReportWithoutHints;
    private long setupNanos = -1;
    private long pausedAtNanos = -1;
    private long downtimeNanos;
    private long endSentNanos;
    private int throttle;
    private SelfCheckResult selfCheck;
    private PageBitmap[] poisonFill;
    private byte poisonValue;
    /** Guards the hand-over: exactly one of COMMIT and CANCEL is ever written. */
    private final Object handover = new Object();
    private boolean committed;
    private boolean cancelSent;
    /** Why the stall watchdog closed the connection, or null. */
    private volatile String stalled;

    public SourceMigration(VirtualMachine vm, InetSocketAddress destination, MigrationOptions options,
                           Services services, EngineSettings settings, AtomicLong commandIds, Events events,
                           boolean applyStaleHints) {
        super(UUID.randomUUID().toString(), MigrationRole.SOURCE, events, settings.eventInterval());
        this.applyStaleHints = applyStaleHints;
        this.vm = vm;
        this.destination = destination;
        this.options = options;
        this.services = services;
        this.settings = settings;
        this.commandIds = commandIds;
        this.layout = vm.layout();
        this.migration = new MigrationBitmap(layout);
    }

    /** The VM this migration moves. */
    public VirtualMachine vm() {
        return vm;
    }

    /** Called by the engine when a hint source or tightener this migration uses goes away. */
    public void serviceGone(Object service, String what) {
        HintRounds h = hints;
        if (h != null && (h.source() == service || service instanceof BitmapTightener)) {
            h.sourceLost(what + " went away during round " + round + "; the migration goes on without hints");
        }
    }

    @Override
    public void run() {
        boolean paused = false;
        boolean completed = false;
        String failure = "";
        MigrationPhase outcome = MigrationPhase.FAILED;
        try {
            setup();
            runRounds();
            HintRounds h = hints;
            if (h != null) {
                // no hint may be applied once the guest is paused, none at all in the last round
                h.stopForGood();
            }
            phase(MigrationPhase.STOP_AND_COPY, "pausing the guest");
            vm.control().pause();
            paused = true;
            pausedAtNanos = System.nanoTime();
            sendRound(RoundKind.FINAL);
            sender.done();
            writer.end(sender.dataPagesWritten(), sender.zeroPagesWritten(), sender.fillPagesWritten());
            endSentNanos = System.nanoTime();
            downtimeNanos = endSentNanos - pausedAtNanos;
            phase(MigrationPhase.VERIFYING, "all RAM sent; waiting for the destination's check");
            boolean good = awaitResult();
            if (cancelRequested()) {
                throw new Cancelled(cancelReason());
            }
            if (good) {
                synchronized (handover) {
                    if (cancelSent) {
                        throw new Cancelled(cancelReason());
                    }
                    // from here the guest lives on the destination
                    writer.commit();
                    committed = true;
                }
                completed = true;
                outcome = MigrationPhase.COMPLETED;
            } else {
                failure = "the destination's self-check failed: " + selfCheck.problems();
                sendCancel(failure);
            }
        } catch (Cancelled c) {
            outcome = MigrationPhase.CANCELLED;
            failure = c.getMessage();
            sendCancel(failure);
        } catch (InterruptedException e) {
            outcome = MigrationPhase.CANCELLED;
            failure = cancelRequested() ? cancelReason() : "interrupted";
            sendCancel(failure);
        } catch (Exception e) {
            if (cancelRequested()) {
                outcome = MigrationPhase.CANCELLED;
                failure = cancelReason();
            } else {
                failure = stalled != null ? stalled : describe(e);
                if (stalled != null || e instanceof IOException) {
                    // a deadline, the network or the destination: expected, said in one line; the trace is for debugging
                    LOG.warn("migration {} failed: {}", id(), failure);
                    LOG.debug("migration {} failed", id(), e);
                } else {
                    LOG.warn("migration {} failed: {}", id(), failure, e);
                }
            }
        } finally {
            finish(paused, completed);
        }
        complete(report(outcome, failure));
    }

    private void setup() throws IOException, InterruptedException {
        phase(MigrationPhase.SETUP, "connecting to " + destination);
        int streams = options.streams();
        TlsCredentials tls = options.tlsCredentials() == null ? null
                : TlsCredentials.load(options.tlsCredentials(), TlsCredentials.Role.CLIENT, java.util.Set.of());
        Connector connector = new Connector(destination, tls, options.connectTimeout());
        // each stream paces to its share of the limit (a limit stays a limit, however small)
        long share = options.bandwidthLimit() <= 0 ? 0 : Math.max(1, options.bandwidthLimit() / streams);
        channel = connect(connector);
        writer = new StreamWriter(channel, layout.guestPageSize(),
                new Pacer(share, this::cancelRequested));
        writers.add(writer);
        watchForStall();
        writer.header(UUID.fromString(id()), 0, streams);
        writer.layout(layout);
        expectAccept(channel, "the layout");
        // docs/STREAM.md 6: the page streams, each tied to this migration by its header
        List<StreamChannel> channels = new ArrayList<>(List.of(channel));
        for (int i = 1; i < streams; i++) {
            StreamChannel c = connect(connector);
            channels.add(c);
            extraChannels.add(c);
            // each stream its share of the limit, and the same stall deadline as stream 0 (watchForStall)
            StreamWriter w = new StreamWriter(c, layout.guestPageSize(),
                    new Pacer(share, this::cancelRequested));
            writers.add(w);
            w.header(UUID.fromString(id()), i, streams);
            expectAccept(c, "stream " + i);
        }
        // section 8: dirty logging before hints, so a page hinted free and then written is caught
        vm.dirtyLog().start();
        migration.setAll();
        hints = openHints();
        sender = new PageStreams(layout, vm.ram(), migration, channels, writers, "pagehint-source-" + id().substring(0, 8));
    }

    private void expectAccept(StreamChannel c, String what) throws IOException {
        Replies.Reply reply = withTimeout(options.stallTimeout(), () -> Replies.read(c), c);
        if (reply instanceof Replies.Reply.Reject r) {
            throw new IOException("the destination rejected the migration: " + r.reason());
        }
        if (!(reply instanceof Replies.Reply.Accept)) {
            throw new IOException("the destination answered " + what + " with " + reply);
        }
    }

    private HintRounds openHints() {
        if (!options.useHints()) {
            hintReportWithoutHints = HintReport.none("hints not asked for");
            return null;
        }
        Optional<BitmapTightener> tightener = services.tightener(layout.arch(), layout.machine());
        if (tightener.isEmpty()) {
            hintReportWithoutHints = HintReport.none("no tightener for " + layout.arch() + "/" + layout.machine());
            return null;
        }
        Optional<HintSource> source = services.hintSource(vm.id(), options.hintTransport());
        if (source.isEmpty()) {
            hintReportWithoutHints = HintReport.none("no hint source for guest " + vm.id()
                    + (options.hintTransport() == null ? "" : " on " + options.hintTransport()));
            return null;
        }
        OptionalInt poison = source.get().pagePoison();
        PageBitmap[] skipped = null;
        if (poison.isPresent()) {
            skipped = new PageBitmap[migration.blockCount()];
            for (int b = 0; b < skipped.length; b++) {
                skipped[b] = new PageBitmap(migration.block(b).size());
            }
        }
        PageBitmap[] fills = skipped;
        poisonFill = skipped;
        poisonValue = poison.isPresent() ? (byte) poison.getAsInt() : 0;
        return new HintRounds(source.get(),
                (finished, failure) -> new HintGate(layout, tightener.get(), migration, fills,
                        applyStaleHints, finished, failure),
                commandIds, options.dropPageCache(), applyStaleHints);
    }

    private void runRounds() throws IOException, InterruptedException {
        long processedPages = 0;
        long sendingNanos = 0;
        while (true) {
            long started = System.nanoTime();
            long before = sender.pagesSent() + sender.zeroPages();
            RoundReport r = sendRound(round == 0 ? RoundKind.BULK : RoundKind.ITERATE);
            processedPages += sender.pagesSent() + sender.zeroPages() - before;
            sendingNanos += System.nanoTime() - started;
            long left = migration.remaining();
            pagesLeft = left;
            // stop-and-copy when the rest can go in the downtime limit at the rate measured so far
            double pagesPerNano = processedPages == 0 ? 0 : (double) processedPages / Math.max(1, sendingNanos);
            double estimateNanos = left == 0 ? 0 : pagesPerNano == 0 ? Double.MAX_VALUE : left / pagesPerNano;
            if (estimateNanos <= options.downtimeLimit().toNanos()) {
                LOG.debug("round {}: {} pages left, about {} ms: stop-and-copy", round, left, (long) (estimateNanos / 1e6));
                return;
            }
            if (round >= options.maxRounds() - 1) {
                event("round limit " + options.maxRounds() + " reached with " + left + " pages left");
                return;
            }
            autoConverge(r);
        }
    }

    /** One round: sends the bitmap, ends hinting, harvests. The final round harvests first (the guest is paused). */
    private RoundReport sendRound(RoundKind kind) throws IOException, InterruptedException {
        round++;
        long started = System.nanoTime();
        long sent0 = sender.pagesSent();
        // FILL runs carry pages skipped on a hint (a poisoning guest's): counted as skipped, not as zero pages too
        long zero0 = sender.zeroPages();
        long bytes0 = bytesWritten();
        long skipped0 = skippedByHints();
        HintRounds h = hints;
        long dirty = 0;
        if (kind == RoundKind.FINAL) {
            dirty = migration.harvest(vm.dirtyLog());
        } else {
            phase(kind == RoundKind.BULK ? MigrationPhase.BULK : MigrationPhase.ITERATE, "round " + round);
            if (h != null) {
                h.startRound(round);
                if (kind == RoundKind.BULK) {
                    // like the note's section 8, give the guest a moment to report before sending it all
                    h.awaitCurrent(options.hintWait());
                }
            }
        }
        writer.round(round, kind);
        sender.sendAll(this::checkpoint);
        if (kind != RoundKind.FINAL) {
            if (h != null) {
                h.endRound();
            }
            if (poisonFill != null) {
                // after the gate shut and before the harvest: every later DATA of these pages follows their FILL
                sender.sendFills(poisonFill, poisonValue);
            }
            dirty = migration.harvest(vm.dirtyLog());
        }
        if (setupNanos < 0) {
            setupNanos = started - startNanos();
        }
        RoundReport r = new RoundReport(round, Duration.ofNanos(System.nanoTime() - started),
                sender.pagesSent() - sent0, sender.zeroPages() - zero0,
                bytesWritten() - bytes0, skippedByHints() - skipped0, dirty);
        rounds.add(r);
        event("round " + round + " done: " + r.pagesSent() + " pages sent, " + r.zeroPages() + " zero, "
                + r.pagesSkippedByHints() + " skipped by hints, " + dirty + " dirty");
        return r;
    }

    private void autoConverge(RoundReport r) throws IOException {
        if (!options.autoConverge() || round < 2) {
            return;
        }
        long moved = r.pagesSent() + r.zeroPages();
        if (r.dirtyPages() * 2 > moved && throttle < 99) {
            throttle = throttle == 0 ? settings.throttleInitial() : Math.min(99, throttle + settings.throttleIncrement());
            vm.control().throttle(throttle);
            event("guest dirties memory faster than it is sent: throttled to " + throttle + "%");
        }
    }

    /**
     * Closes the connection when a write has moved no byte for the stall timeout: a destination
     * that stops reading (or a network that stops carrying) would otherwise hold the migration,
     * and in the final round a paused guest, for ever. The failure then resumes the guest.
     */
    private void watchForStall() {
        Duration limit = options.stallTimeout();
        Duration every = Duration.ofNanos(Math.max(10_000_000L, Math.min(limit.toNanos() / 4, 1_000_000_000L)));
        scheduleIfNotDone(every, () -> {
            // every stream has the deadline: one that stops moving holds the round, and so the migration
            for (int i = 0; i < writers.size(); i++) {
                if (writers.get(i).stalledNanos() >= limit.toNanos()) {
                    stalled = "the destination took no data " + (writers.size() > 1 ? "on stream " + i + " " : "")
                            + "for " + limit.toMillis() + " ms (stall timeout): the network or the destination stalled";
                    LOG.warn("migration {}: {}", id(), stalled);
                    extraChannels.forEach(MigrationBase::closeQuietly);
                    closeQuietly(channel);
                    return;
                }
            }
            watchForStall();
        });
    }

    /** Waits for RESULT, at most the result timeout: the guest is paused meanwhile. */
    private boolean awaitResult() throws IOException {
        Replies.Reply reply;
        try {
            reply = withTimeout(options.resultTimeout(), () -> Replies.read(channel), channel);
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("the destination sent no RESULT within " + options.resultTimeout().toMillis()
                    + " ms of END (result timeout); the guest was not handed over and runs here again", e);
        }
        if (reply instanceof Replies.Reply.Result res) {
            SelfCheckReply r = res.result();
            // RESULT does not carry the check's duration: the source reports END to RESULT, the check plus a round trip
            Duration took = Duration.ofNanos(System.nanoTime() - endSentNanos);
            selfCheck = switch (r.outcome()) {
                case VERIFIED -> new SelfCheckResult(true, r.pagesChecked(), 0, List.of(), took);
                case CHECK_FAILED -> new SelfCheckResult(false, r.pagesChecked(), r.mismatches(), List.of(r.summary()), took);
                case NOT_CHECKED -> null;
            };
            return r.outcome() != SelfCheckReply.Outcome.CHECK_FAILED;
        }
        if (reply instanceof Replies.Reply.Error e) {
            throw new IOException("the destination failed: " + e.reason());
        }
        throw new IOException("the destination answered END with " + reply);
    }

    private void checkpoint(long pagesSentSoFar) throws InterruptedException {
        if (cancelRequested()) {
            throw new Cancelled(cancelReason());
        }
        tick();
    }

    private void finish(boolean paused, boolean completed) {
        HintRounds h = hints;
        if (h != null) {
            h.finish();
        }
        try {
            vm.dirtyLog().stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the dirty log failed", e);
        }
        if (!completed) {
            // the guest must come out of a failed migration running
            try {
                if (throttle > 0) {
                    vm.control().throttle(0);
                }
                if (paused) {
                    vm.control().resume();
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("could not resume guest {} after the migration failed", vm.id(), e);
            }
        }
        PageStreams s = sender;
        if (s != null) {
            s.close();
        }
        extraChannels.forEach(MigrationBase::closeQuietly);
        closeQuietly(channel);
    }

    private long bytesWritten() {
        PageStreams s = sender;
        return s != null ? s.bytesWritten() : writer == null ? 0 : writer.bytesWritten();
    }

    private void sendCancel(String reason) {
        StreamWriter w = writer;
        StreamChannel c = channel;
        synchronized (handover) {
            if (w == null || c == null || !c.isOpen() || committed || cancelSent) {
                return;
            }
            cancelSent = true;
            try {
                w.cancel(reason);
            } catch (IOException | InterruptedException | RuntimeException e) {
                LOG.debug("could not tell the destination about the cancel", e);
            }
        }
    }

    @Override
    protected void onCancel() {
        if (phase() == MigrationPhase.VERIFYING) {
            // the migration thread only reads now: tell the destination at once, so it discards
            sendCancel(cancelReason());
        }
        // a round that is blocked writing to a destination that stopped reading cannot see the
        // flag: close the connection if the migration has not ended by itself shortly
        scheduleIfNotDone(Duration.ofSeconds(2), () -> {
            closeQuietly(connecting);
            extraChannels.forEach(MigrationBase::closeQuietly);
            closeQuietly(channel);
        });
    }

    /** One connection: TCP, and TLS when the options name credentials. */
    private StreamChannel connect(Connector connector) throws IOException {
        StreamChannel c = connector.connect(raw -> connecting = raw);
        connecting = null;
        return c;
    }

    private long skippedByHints() {
        HintRounds h = hints;
        return h == null ? 0 : h.gate().counters().pagesSkipped();
    }

    @Override
    protected MigrationEvent progress(String message) {
        long bytes = bytesWritten();
        long pagesSent = sender == null ? 0 : sender.pagesSent();
        return new MigrationEvent(id(), MigrationRole.SOURCE, phase(), round, bytes, pagesSent,
                pagesLeft < 0 ? migration.remaining() : pagesLeft, rate(bytes), skippedByHints(), Instant.now(), message);
    }

    private MigrationReport report(MigrationPhase outcome, String failure) {
        HintRounds h = hints;
        HintReport hr = h != null ? h.report() : hintReportWithoutHints != null ? hintReportWithoutHints
                : HintReport.none("the migration ended before hinting started");
        long pagesSent = sender == null ? 0 : sender.pagesSent();
        long zero = sender == null ? 0 : sender.zeroPages();
        return new MigrationReport(id(), MigrationRole.SOURCE, outcome, failure, elapsed(),
                setupNanos < 0 ? elapsed() : Duration.ofNanos(setupNanos), Duration.ofNanos(downtimeNanos), round,
                bytesWritten(), pagesSent, zero, skippedByHints(), hr, selfCheck, rounds);
    }

    /** Thrown at a checkpoint after cancel() was called. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled(String reason) {
            super(reason);
        }
    }
}
