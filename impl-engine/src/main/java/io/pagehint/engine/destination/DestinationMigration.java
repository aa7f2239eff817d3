package io.pagehint.engine.destination;

import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.engine.EngineSettings;
import io.pagehint.engine.report.Events;
import io.pagehint.engine.report.MigrationBase;
import io.pagehint.engine.stream.EndTotals;
import io.pagehint.engine.stream.LayoutCodec;
import io.pagehint.engine.stream.Replies;
import io.pagehint.engine.stream.RoundKind;
import io.pagehint.engine.stream.SelfCheckReply;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.stream.StreamFormatException;
import io.pagehint.engine.stream.StreamReader;
import io.pagehint.engine.stream.StreamRecord;
import io.pagehint.engine.transport.Acceptor;
import io.pagehint.engine.transport.StreamChannel;
import io.pagehint.engine.transport.TlsCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination end of one migration: accepts one connection, checks the stream as
 * docs/STREAM.md says, writes pages into the incoming guest's RAM, and at the end has the guest
 * checked. Reported completed only if the check passes. On any failure or cancel, what arrived is
 * discarded.
 */
public final class DestinationMigration extends MigrationBase implements IncomingMigration, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationMigration.class);

    private final Acceptor server;
    private final IncomingVm vm;
    private final EngineSettings settings;
    private final InetSocketAddress address;
    private volatile StreamChannel channel;
    private volatile StreamReader reader;
    private volatile int round;
    /** Made before listening, like the warm-up: its buffers cost milliseconds the source would wait for. */
    private final PageWriter pages;
    /** Streams 1 and up of a migration with several (docs/STREAM.md 6), each read by its own thread. */
    private final List<PageStream> pageStreams = new CopyOnWriteArrayList<>();
    /** The first failure of a page stream, which fails the migration. */
    private volatile String pageStreamFailure;
    /** Set when the migration winds down: page streams closed then fail quietly. */
    private volatile boolean stopping;
    private long firstPageNanos = -1;
    private long finalRoundNanos = -1;
    /** Why the deadline watch closed the connection, or null. */
    private volatile String stalled;
    /** Since when (System.nanoTime()) a page stream's connection is awaited, 0 when none is. */
    private volatile long awaitingStreamSince;

    /** @param tls server credentials: the source must speak TLS and present a certificate they accept; null for plain TCP */
    public DestinationMigration(InetSocketAddress listen, IncomingVm vm, TlsCredentials tls, EngineSettings settings,
                                Events events) throws IOException {
        super(UUID.randomUUID().toString(), MigrationRole.DESTINATION, events, settings.eventInterval());
        this.vm = vm;
        this.settings = settings;
        WarmUp.streamPath(vm.layout());
        this.pages = new PageWriter(vm);
        this.server = new Acceptor(listen, tls, StreamFormat.MAX_STREAMS);
        this.address = server.address();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void run() {
        MigrationPhase outcome = MigrationPhase.FAILED;
        String failure = "";
        SelfCheckResult check = null;
        boolean keep = false;
        try {
            phase(MigrationPhase.SETUP, "listening on " + address);
            channel = server.accept(settings.stallTimeout());
            restartClock();
            reader = new StreamReader(channel);
            watchDeadlines(settings.stallTimeout());
            if (!handshake()) {
                failure = "rejected the source's stream";
            } else {
                StreamRecord end = receive();
                if (end instanceof StreamRecord.Cancel c) {
                    outcome = MigrationPhase.CANCELLED;
                    failure = "the source cancelled: " + c.reason();
                } else {
                    phase(MigrationPhase.VERIFYING, "all RAM received; checking the guest");
                    check = vm.verify();
                    Replies.result(channel, reply(check));
                    boolean good = check.passed() || check.isNotChecked();
                    // the guest is ours only when the source hands it over
                    StreamRecord last = reader.next();
                    if (last instanceof StreamRecord.Commit && good) {
                        keep = true;
                        outcome = MigrationPhase.COMPLETED;
                    } else if (last instanceof StreamRecord.Cancel c) {
                        outcome = good ? MigrationPhase.CANCELLED : MigrationPhase.FAILED;
                        failure = good ? "the source cancelled: " + c.reason()
                                : "the guest's self-check failed: " + check.problems();
                    } else {
                        throw new StreamFormatException("COMMIT after a failed self-check");
                    }
                }
            }
        } catch (Exception e) {
            if (cancelRequested()) {
                outcome = MigrationPhase.CANCELLED;
                failure = cancelReason();
            } else {
                // a deadline or a page stream's failure closed stream 0: that is the cause, not the closed socket
                failure = stalled != null ? stalled : pageStreamFailure != null ? pageStreamFailure : describe(e);
                // one line where an operator looks; the trace only for whoever turned debug on
                LOG.warn("incoming migration {} failed: {}", id(), failure);
                LOG.debug("incoming migration {} failed", id(), e);
                tellSource(failure);
            }
        } finally {
            String notKept = close(keep);
            if (notKept != null) {
                // the source has handed the guest over: it must not read "completed" while the RAM is not where it belongs
                outcome = MigrationPhase.FAILED;
                failure = notKept;
            }
        }
        complete(report(outcome, failure, check));
    }

    private boolean handshake() throws IOException {
        UUID migrationId;
        GuestMemoryLayoutHolder accepted = new GuestMemoryLayoutHolder();
        try {
            migrationId = reader.readHeader();
            // one id at both ends: the source's, from stream 0's header
            adoptId(migrationId.toString());
            if (reader.streamIndex() != 0) {
                throw new StreamFormatException("the first connection is stream " + reader.streamIndex() + ", not 0");
            }
            StreamRecord first = reader.next();
            if (!(first instanceof StreamRecord.Layout l)) {
                throw new StreamFormatException("the stream does not start with LAYOUT");
            }
            String difference = LayoutCodec.firstDifference(vm.layout(), l.layout());
            if (difference != null) {
                Replies.reject(channel, "layout differs from the destination's guest: " + difference);
                return false;
            }
            accepted.layout = l.layout();
        } catch (StreamFormatException e) {
            Replies.reject(channel, e.getMessage());
            throw e;
        }
        Replies.accept(channel);
        releaseEvents(); // STARTED under the source's id, now that the source is not waiting on us
        boolean[] seen = new boolean[reader.streamCount()];
        for (int i = 1; i < reader.streamCount(); i++) {
            acceptPageStream(migrationId, reader.streamCount(), accepted.layout, seen);
        }
        server.close();
        return true;
    }

    private static final class GuestMemoryLayoutHolder {
        io.pagehint.api.memory.GuestMemoryLayout layout;
    }

    /** Accepts one more stream of this migration: the same id and stream count, an index not seen yet. */
    private void acceptPageStream(UUID migrationId, int count, io.pagehint.api.memory.GuestMemoryLayout layout,
                                  boolean[] seen) throws IOException {
        // the page stream's handshake deadline: it must connect within the stall timeout (the watch)
        awaitingStreamSince = System.nanoTime();
        StreamChannel c;
        try {
            c = server.accept(settings.stallTimeout());
        } finally {
            awaitingStreamSince = 0;
        }
        StreamReader r = new StreamReader(c);
        PageStream ps = new PageStream(c, r);
        pageStreams.add(ps);
        try {
            UUID id = r.readHeader();
            int index = r.streamIndex();
            if (r.version() != StreamFormat.VERSION_STREAMS || !id.equals(migrationId) || r.streamCount() != count
                    || index == 0 || seen[index]) {
                throw new StreamFormatException("a connection that is not one of this migration's " + count
                        + " streams (migration " + id + ", stream " + index + " of " + r.streamCount() + ")");
            }
            seen[index] = true;
        } catch (StreamFormatException e) {
            Replies.reject(c, e.getMessage());
            throw e;
        }
        r.pageStreamOf(layout);
        Replies.accept(c);
        ps.thread.start();
    }

    /** Stream 1 and up: PAGES until DONE, applied by its own thread with its own page writer. */
    private final class PageStream implements Runnable {
        final StreamChannel channel;
        final StreamReader reader;
        final PageWriter writer;
        final Thread thread;
        volatile EndTotals totals;

        PageStream(StreamChannel channel, StreamReader reader) {
            this.channel = channel;
            this.reader = reader;
            this.writer = new PageWriter(vm);
            this.thread = new Thread(this, "pagehint-destination-" + id().substring(0, 8) + "-stream");
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    StreamRecord r = reader.next();
                    if (r instanceof StreamRecord.Pages p) {
                        writer.apply(p, reader);
                    } else if (r instanceof StreamRecord.Done d) {
                        totals = d.totals();
                        return;
                    } else {
                        throw new StreamFormatException("unexpected record " + r.getClass().getSimpleName());
                    }
                }
            } catch (Exception e) {
                if (!stopping) {
                    failPageStreams("stream " + reader.streamIndex() + ": " + describe(e), e);
                }
            }
        }
    }

    /** A page stream failed: the migration fails; closing stream 0 (and the listener) wakes the migration thread. */
    private void failPageStreams(String failure, Exception e) {
        synchronized (pageStreams) {
            if (pageStreamFailure != null) {
                return;
            }
            pageStreamFailure = failure;
        }
        LOG.debug("incoming migration {}: {}", id(), failure, e);
        tellSource(failure);
        // wakes the migration thread, whether it reads stream 0 or still waits for another stream's connection
        closeQuietly(server);
        closeQuietly(channel);
    }

    /** After END: every page stream has ended with DONE, and the totals over all streams are END's. */
    private void joinPageStreams(EndTotals end) throws IOException, InterruptedException {
        for (PageStream ps : pageStreams) {
            ps.thread.join();
        }
        if (pageStreamFailure != null) {
            throw new IOException(pageStreamFailure);
        }
        if (pageStreams.isEmpty()) {
            return;
        }
        EndTotals own = reader.ownTotals();
        long data = own.dataPages();
        long zero = own.zeroPages();
        long fill = own.fillPages();
        for (PageStream ps : pageStreams) {
            data += ps.totals.dataPages();
            zero += ps.totals.zeroPages();
            fill += ps.totals.fillPages();
        }
        if (data != end.dataPages() || zero != end.zeroPages() || fill != end.fillPages()) {
            throw new StreamFormatException("END totals (data " + end.dataPages() + ", zero " + end.zeroPages() + ", fill "
                    + end.fillPages() + ") differ from what the streams carried (" + data + ", " + zero + ", " + fill + ")");
        }
    }

    /** Reads records until END or CANCEL and returns that record. */
    private StreamRecord receive() throws IOException {
        while (true) {
            StreamRecord r = reader.next();
            if (r instanceof StreamRecord.Round rd) {
                round = rd.number();
                if (rd.kind() == RoundKind.FINAL) {
                    finalRoundNanos = System.nanoTime();
                }
                phase(rd.kind() == RoundKind.BULK ? MigrationPhase.BULK
                        : rd.kind() == RoundKind.FINAL ? MigrationPhase.STOP_AND_COPY : MigrationPhase.ITERATE,
                        "round " + rd.number());
            } else if (r instanceof StreamRecord.Pages p) {
                if (firstPageNanos < 0) {
                    firstPageNanos = System.nanoTime();
                }
                pages.apply(p, reader);
                tick();
            } else if (r instanceof StreamRecord.End e) {
                try {
                    joinPageStreams(e.totals());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while the page streams ended");
                }
                return r;
            } else if (r instanceof StreamRecord.Cancel) {
                return r;
            } else {
                throw new StreamFormatException("unexpected record " + r.getClass().getSimpleName());
            }
        }
    }

    private static SelfCheckReply reply(SelfCheckResult check) {
        String summary = String.join("; ", check.problems());
        if (check.isNotChecked()) {
            return new SelfCheckReply(SelfCheckReply.Outcome.NOT_CHECKED, 0, 0, summary);
        }
        return new SelfCheckReply(check.passed() ? SelfCheckReply.Outcome.VERIFIED : SelfCheckReply.Outcome.CHECK_FAILED,
                check.pagesChecked(), check.mismatches(), summary);
    }

    private void tellSource(String failure) {
        StreamChannel c = channel;
        if (c != null && c.isOpen()) {
            try {
                Replies.error(c, failure);
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not tell the source", e);
            }
        }
    }

    /**
     * Stops every stream, then discards the guest (unless kept) and closes it.
     *
     * @return null, or why a kept guest could not be made the guest's here (its VM's close failed
     *         after COMMIT: the reference guest's RAM file kept its {@code .incomplete} name, say)
     */
    private String close(boolean keep) {
        stopping = true;
        closeSockets();
        // no page stream may write into guest RAM once it is abandoned or closed
        for (PageStream ps : pageStreams) {
            try {
                ps.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (!keep) {
                vm.abandon();
            }
        } catch (RuntimeException e) {
            LOG.error("incoming migration {}: the VM could not discard what arrived: {}", id(), describe(e));
            LOG.debug("abandon failed", e);
        } finally {
            try {
                // after a COMMIT the VMM makes the RAM the guest's here (the reference guest renames its file)
                vm.close();
            } catch (RuntimeException e) {
                LOG.error("incoming migration {}: closing the VM failed: {}", id(), describe(e));
                LOG.debug("close failed", e);
                if (keep) {
                    return "the guest was handed over, but the VM could not take it up: " + describe(e);
                }
            }
        }
        return null;
    }

    @Override
    protected void onCancel() {
        // accept() and read() block: closing the sockets is what wakes them
        closeSockets();
    }

    private void closeSockets() {
        closeQuietly(server);
        closeQuietly(channel);
        pageStreams.forEach(ps -> closeQuietly(ps.channel));
    }

    /**
     * Closes the connection when a read takes longer than {@code limit}: the handshake (header and
     * LAYOUT), each record (from the wait for its first byte to its last byte), and so also the
     * wait for COMMIT or CANCEL after RESULT. A deadline, not idleness: a source that trickles a
     * byte now and then is cut off as surely as a silent one. The self-check, when nothing is read,
     * is not bounded here.
     */
    private void watchDeadlines(Duration limit) {
        long every = Math.max(10_000_000L, Math.min(limit.toNanos() / 4, 1_000_000_000L));
        CompletableFuture.runAsync(() -> {
            StreamReader r = reader;
            StreamChannel c = channel;
            if (phase().isFinal() || c == null || !c.isOpen()) {
                return;
            }
            String late = null;
            if (r.readingNanos() > limit.toNanos()) {
                late = r.inHandshake() ? "the source's handshake" : phase() == MigrationPhase.VERIFYING
                        ? "the source's COMMIT or CANCEL after RESULT" : "a record of the stream";
            } else if (awaitingStreamSince != 0 && System.nanoTime() - awaitingStreamSince > limit.toNanos()) {
                late = "the connection of stream " + (pageStreams.size() + 1);
            } else {
                // each page stream has the same deadlines as stream 0: its header, then each record
                for (PageStream ps : pageStreams) {
                    if (ps.reader.readingNanos() > limit.toNanos()) {
                        late = ps.reader.inHandshake() ? "the header of stream " + ps.reader.streamIndex()
                                : "a record of stream " + ps.reader.streamIndex();
                        break;
                    }
                }
            }
            if (late != null) {
                stalled = late + " did not arrive within the stall timeout of " + limit.toMillis() + " ms; gave up";
                LOG.warn("incoming migration {}: {}", id(), stalled);
                closeSockets();
                return;
            }
            watchDeadlines(limit);
        }, CompletableFuture.delayedExecutor(every, TimeUnit.NANOSECONDS));
    }

    /** Bytes received over all streams. */
    private long bytesRead() {
        StreamReader r = reader;
        long bytes = r == null ? 0 : r.bytesRead();
        for (PageStream ps : pageStreams) {
            bytes += ps.reader.bytesRead();
        }
        return bytes;
    }

    private long dataPages() {
        return pages.dataPages + pageStreams.stream().mapToLong(ps -> ps.writer.dataPages).sum();
    }

    private long zeroAndFillPages() {
        return pages.zeroPages + pages.fillPages
                + pageStreams.stream().mapToLong(ps -> ps.writer.zeroPages + ps.writer.fillPages).sum();
    }

    @Override
    protected MigrationEvent progress(String message) {
        long bytes = bytesRead();
        return new MigrationEvent(id(), MigrationRole.DESTINATION, phase(), round, bytes, dataPages(),
                -1, rate(bytes), 0, Instant.now(), message);
    }

    private MigrationReport report(MigrationPhase outcome, String failure, SelfCheckResult check) {
        Duration setup = firstPageNanos < 0 ? elapsed() : Duration.ofNanos(firstPageNanos - startNanos());
        Duration downtime = finalRoundNanos < 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - finalRoundNanos);
        return new MigrationReport(id(), MigrationRole.DESTINATION, outcome, failure, elapsed(), setup, downtime, round,
                bytesRead(), dataPages(), zeroAndFillPages(), 0,
                HintReport.none("hints are the source's business"), check, List.of());
    }
}
