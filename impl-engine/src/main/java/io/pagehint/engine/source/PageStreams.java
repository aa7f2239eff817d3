package io.pagehint.engine.source;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.engine.memory.BlockViews;
import io.pagehint.engine.memory.MigrationBitmap;
import io.pagehint.engine.stream.StreamWriter;
import io.pagehint.engine.transport.StreamChannel;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams that carry a migration's pages, each with its own sender and writer: stream 0 is the
 * migration thread's own, streams 1 and up are sent by one thread each, in parallel. Each round's
 * pages are divided by page unit (docs/STREAM.md 6): a page always goes on the same stream, so a
 * copy sent in a later round can never overtake an older copy of the same page. A round ends
 * when every stream has sent its share; a stream that fails stops the others and fails the round.
 */
final class PageStreams implements Closeable {

    /** One stream: its connection, writer and sender. */
    record Lane(StreamChannel channel, StreamWriter writer, PageSender sender) {
    }

    /** The work of one stream in a round. */
    @FunctionalInterface
    private interface Work {
        void run(Lane lane, PageSender.Checkpoint checkpoint) throws IOException, InterruptedException;
    }

    private final List<Lane> lanes = new ArrayList<>();
    private final ExecutorService threads;
    private volatile Throwable failed;

    /** @param writers one writer per stream, stream 0 first, with its channel */
    PageStreams(GuestMemoryLayout layout, GuestRam ram, MigrationBitmap migration, List<StreamChannel> channels,
                List<StreamWriter> writers, String name) {
        int n = writers.size();
        for (int i = 0; i < n; i++) {
            BlockViews views = new BlockViews(layout, ram.maxViewBytes(), ram::view);
            lanes.add(new Lane(channels.get(i), writers.get(i), new PageSender(views, ram, migration, writers.get(i), i, n)));
        }
        AtomicInteger count = new AtomicInteger(1);
        threads = n == 1 ? null : Executors.newFixedThreadPool(n - 1, r -> {
            Thread t = new Thread(r, name + "-stream-" + count.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    int count() {
        return lanes.size();
    }

    /** Sends every page of the migration bitmap, each stream its share; returns when all have. */
    void sendAll(PageSender.Checkpoint checkpoint) throws IOException, InterruptedException {
        inParallel((lane, cp) -> lane.sender().sendAll(cp), checkpoint);
    }

    /** Sends fills for {@code pages}, each stream its share. */
    void sendFills(PageBitmap[] pages, byte value) throws IOException, InterruptedException {
        inParallel((lane, cp) -> lane.sender().sendFills(pages, value), null);
    }

    /** Ends streams 1 and up with DONE; stream 0 ends with END, which the caller writes. */
    void done() throws IOException, InterruptedException {
        for (int i = 1; i < lanes.size(); i++) {
            lanes.get(i).writer().done();
        }
    }

    long pagesSent() {
        return lanes.stream().mapToLong(l -> l.sender().pagesSent()).sum();
    }

    long zeroPages() {
        return lanes.stream().mapToLong(l -> l.sender().zeroPages()).sum();
    }

    long fillPages() {
        return lanes.stream().mapToLong(l -> l.sender().fillPages()).sum();
    }

    long dataPagesWritten() {
        return lanes.stream().mapToLong(l -> l.writer().dataPages()).sum();
    }

    long zeroPagesWritten() {
        return lanes.stream().mapToLong(l -> l.writer().zeroPages()).sum();
    }

    long fillPagesWritten() {
        return lanes.stream().mapToLong(l -> l.writer().fillPages()).sum();
    }

    long bytesWritten() {
        return lanes.stream().mapToLong(l -> l.writer().bytesWritten()).sum();
    }

    private void inParallel(Work work, PageSender.Checkpoint checkpoint) throws IOException, InterruptedException {
        if (lanes.size() == 1) {
            work.run(lanes.get(0), checkpoint == null ? p -> { } : checkpoint);
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            others.add(threads.submit(() -> {
                try {
                    // progress events come from stream 0's thread only; the others stop when one fails
                    work.run(lane, p -> stopIfFailed());
                } catch (Throwable t) {
                    fail(t);
                }
                return null;
            }));
        }
        try {
            work.run(lanes.get(0), p -> {
                stopIfFailed();
                if (checkpoint != null) {
                    checkpoint.reached(p);
                }
            });
        } catch (Throwable t) {
            fail(t);
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                fail(e.getCause());
            }
        }
        Throwable t = failed;
        if (t != null) {
            rethrow(t);
        }
    }

    private void stopIfFailed() throws InterruptedException {
        if (failed != null) {
            throw new InterruptedException("another stream failed");
        }
    }

    /** The first failure wins; the streams still writing are closed so they stop at once. */
    private synchronized void fail(Throwable t) {
        if (failed != null) {
            return;
        }
        failed = t;
        for (int i = 1; i < lanes.size(); i++) {
            closeQuietly(lanes.get(i).channel());
        }
    }

    private static void rethrow(Throwable t) throws IOException, InterruptedException {
        if (t instanceof IOException e) {
            throw e;
        }
        if (t instanceof InterruptedException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IOException(t);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing to stop
        }
    }

    /** Closes streams 1 and up (stream 0 is the migration's to close) and stops the threads. */
    @Override
    public void close() {
        for (int i = 1; i < lanes.size(); i++) {
            closeQuietly(lanes.get(i).channel());
        }
        if (threads != null) {
            threads.shutdownNow();
        }
    }
}
