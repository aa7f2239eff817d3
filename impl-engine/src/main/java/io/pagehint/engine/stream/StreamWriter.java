package io.pagehint.engine.stream;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The source's end of docs/STREAM.md: writes the header and records, keeps the CRC-32C (of
 * everything but page contents) and the totals the END record carries. Page data goes from the caller's buffers (views of guest RAM)
 * to the channel in one gathering write per batch, without a copy through the Java heap.
 * Not thread-safe: one migration thread writes.
 */
public final class StreamWriter {

    /** Called before each PAGES record is written, with its bytes; a bandwidth limit blocks here. */
    @FunctionalInterface
    public interface Pacer {
        void beforeWrite(long bytes) throws InterruptedException;
    }

    private final GatheringByteChannel out;
    private final Pacer pacer;
    private final int guestPageSize;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer meta;
    private final ByteBuffer[] gather = new ByteBuffer[1 + StreamFormat.MAX_RUNS];
    private long bytesWritten;
    private long dataPages;
    private long zeroPages;
    private long fillPages;
    private int round;
    /** When the write under way last moved a byte (System.nanoTime()), 0 when no write is under way. */
    private volatile long writeProgressNanos;

    public StreamWriter(GatheringByteChannel out, int guestPageSize, Pacer pacer) {
        this.out = out;
        this.guestPageSize = guestPageSize;
        this.pacer = pacer;
        this.meta = ByteBuffer.allocateDirect(StreamFormat.RECORD_HEADER_LENGTH + StreamFormat.MAX_LAYOUT_BODY);
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * How long the write under way has moved no byte, 0 when none is under way: a peer that stops
     * reading (a stalled network) shows here, while time spent pacing to a bandwidth limit does not.
     * Safe to call from any thread.
     */
    public long stalledNanos() {
        long t = writeProgressNanos;
        return t == 0 ? 0 : Math.max(0, System.nanoTime() - t);
    }

    public long dataPages() {
        return dataPages;
    }

    public long zeroPages() {
        return zeroPages;
    }

    public long fillPages() {
        return fillPages;
    }

    /** The header of the only stream of a migration: version 1. */
    public void header(UUID migrationId) throws IOException, InterruptedException {
        header(migrationId, 0, 1);
    }

    /**
     * The header of stream {@code index} of {@code count}: version 1 when the migration has one
     * stream (so a destination that speaks only version 1 still takes it), version 2 otherwise.
     */
    public void header(UUID migrationId, int index, int count) throws IOException, InterruptedException {
        boolean several = count > 1;
        meta.clear();
        meta.put(StreamFormat.MAGIC).putShort((short) (several ? StreamFormat.VERSION_STREAMS : StreamFormat.VERSION))
                .putShort((short) (several ? StreamFormat.HEADER_LENGTH_STREAMS : StreamFormat.HEADER_LENGTH)).putInt(0)
                .putLong(migrationId.getMostSignificantBits()).putLong(migrationId.getLeastSignificantBits());
        if (several) {
            meta.putShort((short) index).putShort((short) count).putInt(0);
        }
        writeMeta();
    }

    public void layout(GuestMemoryLayout layout) throws IOException, InterruptedException {
        ByteBuffer body = LayoutCodec.encode(layout);
        meta.clear();
        recordHeader(StreamFormat.TYPE_LAYOUT, body.remaining());
        meta.put(body);
        writeMeta();
    }

    public void round(int number, RoundKind kind) throws IOException, InterruptedException {
        meta.clear();
        recordHeader(StreamFormat.TYPE_ROUND, StreamFormat.ROUND_BODY);
        meta.putInt(number).put((byte) kind.code());
        round = number;
        writeMeta();
    }

    /**
     * One PAGES record of block {@code block}: the runs, then the content of the DATA runs'
     * pages from {@code data[0..dataCount)}, whose bytes remaining must add up to the DATA pages.
     */
    public void pages(int block, List<PageRun> runs, ByteBuffer[] data, int dataCount)
            throws IOException, InterruptedException {
        if (runs.isEmpty() || runs.size() > StreamFormat.MAX_RUNS) {
            throw new IllegalArgumentException("a PAGES record holds 1.." + StreamFormat.MAX_RUNS + " runs");
        }
        long pagesOfData = 0;
        for (PageRun r : runs) {
            switch (r.kind()) {
                case DATA -> pagesOfData += r.pageCount();
                case ZERO -> zeroPages += r.pageCount();
                case FILL -> fillPages += r.pageCount();
            }
        }
        long dataBytes = 0;
        for (int i = 0; i < dataCount; i++) {
            dataBytes += data[i].remaining();
        }
        if (pagesOfData > StreamFormat.MAX_DATA_PAGES || dataBytes != pagesOfData * guestPageSize) {
            throw new IllegalArgumentException(pagesOfData + " data pages with " + dataBytes + " bytes of data");
        }
        dataPages += pagesOfData;
        meta.clear();
        recordHeader(StreamFormat.TYPE_PAGES, StreamFormat.PAGES_FIXED + (long) StreamFormat.RUN_BYTES * runs.size() + dataBytes);
        meta.putShort((short) block).putShort((short) runs.size()).putInt((int) pagesOfData);
        for (PageRun r : runs) {
            meta.putLong(r.firstPage()).putInt(r.pageCount()).put((byte) r.kind().code()).put(r.fillByte()).putShort((short) 0);
        }
        meta.flip();
        gather[0] = meta;
        crc.update(meta.duplicate());
        // page contents stay out of the digest: they are live guest memory until copied into the socket
        System.arraycopy(data, 0, gather, 1, dataCount);
        writeAll(1 + dataCount, meta.remaining() + dataBytes);
    }

    public void cancel(String reason) throws IOException, InterruptedException {
        meta.clear();
        recordHeader(StreamFormat.TYPE_CANCEL, Wire.stringBytes(reason));
        Wire.putString(meta, reason);
        // a cancel must reach the destination now, whatever the bandwidth limit
        writeMeta();
    }

    /** Hands the guest over, after a good RESULT. */
    public void commit() throws IOException, InterruptedException {
        meta.clear();
        recordHeader(StreamFormat.TYPE_COMMIT, 0);
        writeMeta();
    }

    /** Writes END with the totals and the CRC of everything before it. */
    public EndTotals end() throws IOException, InterruptedException {
        return end(dataPages, zeroPages, fillPages);
    }

    /** Writes END with the migration's totals over all its streams, and this stream's CRC. */
    public EndTotals end(long allData, long allZero, long allFill) throws IOException, InterruptedException {
        EndTotals totals = new EndTotals(round, allData, allZero, allFill, (int) crc.getValue());
        meta.clear();
        recordHeader(StreamFormat.TYPE_END, StreamFormat.END_BODY);
        meta.putInt(totals.rounds()).putLong(totals.dataPages()).putLong(totals.zeroPages())
                .putLong(totals.fillPages()).putInt(totals.crc32c()).putInt(0);
        writeMeta();
        return totals;
    }

    /** Ends a page stream (stream 1 and up) with its own totals and CRC. */
    public void done() throws IOException, InterruptedException {
        int c = (int) crc.getValue();
        meta.clear();
        recordHeader(StreamFormat.TYPE_DONE, StreamFormat.DONE_BODY);
        meta.putLong(dataPages).putLong(zeroPages).putLong(fillPages).putInt(c).putInt(0);
        writeMeta();
    }

    private void recordHeader(int type, long bodyLength) {
        meta.put((byte) type).put((byte) 0).putShort((short) 0).putInt((int) bodyLength);
    }

    /**
     * Control records (header, LAYOUT, ROUND, END) are not paced: a few dozen bytes each, they
     * would hold a migration at a very low bandwidth limit for minutes before its first page.
     */
    private void writeMeta() throws IOException, InterruptedException {
        writeMeta(false);
    }

    private void writeMeta(boolean paced) throws IOException, InterruptedException {
        meta.flip();
        crc.update(meta.duplicate());
        gather[0] = meta;
        writeAll(1, meta.remaining(), paced);
    }

    private void writeAll(int buffers, long bytes) throws IOException, InterruptedException {
        writeAll(buffers, bytes, true);
    }

    private void writeAll(int buffers, long bytes, boolean paced) throws IOException, InterruptedException {
        if (paced && pacer != null) {
            pacer.beforeWrite(bytes);
        }
        long left = bytes;
        int first = 0;
        writeProgressNanos = System.nanoTime();
        try {
            while (left > 0) {
                long n = out.write(gather, first, buffers - first);
                if (n > 0) {
                    writeProgressNanos = System.nanoTime();
                }
                left -= n;
                while (first < buffers && !gather[first].hasRemaining()) {
                    first++;
                }
            }
        } finally {
            writeProgressNanos = 0;
        }
        bytesWritten += bytes;
        java.util.Arrays.fill(gather, 0, buffers, null);
    }
}
