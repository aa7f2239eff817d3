package io.pagehint.engine.stream;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The destination's end of docs/STREAM.md: reads the header and the records, validates each one
 * completely (format, bounds against the layout, order, totals and CRC at the end) before handing
 * it out, so nothing unchecked reaches guest RAM. Not thread-safe.
 */
public final class StreamReader {

    private final ReadableByteChannel in;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer recordHeader = ByteBuffer.allocate(StreamFormat.RECORD_HEADER_LENGTH);
    /** Grows to the largest record body seen, at most {@link StreamFormat#MAX_LAYOUT_BODY}. */
    private ByteBuffer body = ByteBuffer.allocate(256);
    private GuestMemoryLayout layout;
    private long[] blockPages;
    private int round;
    private boolean finalRound;
    private boolean ended;
    private boolean endSeen;
    private long dataLeft;
    private long bytesRead;
    private long dataPages;
    private long zeroPages;
    private long fillPages;
    /**
     * When the read under way began (System.nanoTime()), 0 when none is: the handshake (header and
     * LAYOUT) is one such read, and each record after it another, from the wait for its first byte
     * to its last byte of page data. A deadline on it bounds a peer that trickles bytes, which a
     * watch on idleness alone never catches.
     */
    private volatile long readingSinceNanos;
    private int version;
    private int streamIndex;
    private int streamCount = 1;
    /** A stream other than the first of several: PAGES and DONE only (section 6). */
    private boolean pageStream;

    public StreamReader(ReadableByteChannel in) {
        this.in = in;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** How long the handshake or the record under way has been read for, 0 between them. Safe from any thread. */
    public long readingNanos() {
        long t = readingSinceNanos;
        return t == 0 ? 0 : Math.max(1, System.nanoTime() - t);
    }

    /** Whether the handshake (the header, then LAYOUT) is still being read. */
    public boolean inHandshake() {
        return layout == null;
    }

    private void beginRead() {
        if (readingSinceNanos == 0) {
            readingSinceNanos = System.nanoTime();
        }
    }

    private void endRead() {
        readingSinceNanos = 0;
    }

    /**
     * Reads and checks the stream header, version 1 (one stream) or 2 (stream i of n); returns the
     * migration id.
     */
    public UUID readHeader() throws IOException {
        // the handshake's deadline runs on until LAYOUT has been read
        beginRead();
        ByteBuffer h = ByteBuffer.allocate(StreamFormat.HEADER_LENGTH);
        readFully(h);
        h.flip();
        crc.update(h.duplicate());
        byte[] magic = new byte[StreamFormat.MAGIC.length];
        h.get(magic);
        if (!Arrays.equals(magic, StreamFormat.MAGIC)) {
            throw new StreamFormatException("not a pagehint migration stream (bad magic)");
        }
        version = h.getShort() & 0xFFFF;
        if (version != StreamFormat.VERSION && version != StreamFormat.VERSION_STREAMS) {
            throw new StreamFormatException("stream version " + version + " is not supported (this end speaks "
                    + StreamFormat.VERSION + " and " + StreamFormat.VERSION_STREAMS + ")");
        }
        int headerLength = h.getShort() & 0xFFFF;
        int flags = h.getInt();
        int expectedLength = version == StreamFormat.VERSION ? StreamFormat.HEADER_LENGTH : StreamFormat.HEADER_LENGTH_STREAMS;
        if (headerLength != expectedLength || flags != 0) {
            throw new StreamFormatException("bad stream header: version " + version + ", length " + headerLength
                    + ", flags " + flags);
        }
        UUID id = new UUID(h.getLong(), h.getLong());
        if (version == StreamFormat.VERSION_STREAMS) {
            ByteBuffer more = ByteBuffer.allocate(StreamFormat.HEADER_LENGTH_STREAMS - StreamFormat.HEADER_LENGTH);
            readFully(more);
            more.flip();
            crc.update(more.duplicate());
            streamIndex = more.getShort() & 0xFFFF;
            streamCount = more.getShort() & 0xFFFF;
            int reserved = more.getInt();
            if (streamCount < 1 || streamCount > StreamFormat.MAX_STREAMS || streamIndex >= streamCount || reserved != 0) {
                throw new StreamFormatException("bad stream header: stream " + streamIndex + " of " + streamCount
                        + " (1.." + StreamFormat.MAX_STREAMS + " streams), reserved " + reserved);
            }
        }
        return id;
    }

    /** The header's version: 1 or 2. */
    public int version() {
        return version;
    }

    /** Which stream of the migration this is: 0 for version 1. */
    public int streamIndex() {
        return streamIndex;
    }

    /** How many streams the migration has: 1 for version 1. */
    public int streamCount() {
        return streamCount;
    }

    /**
     * Makes this a page stream (stream 1 and up) of a migration whose first stream carried
     * {@code accepted}: it may hold only PAGES, then DONE.
     */
    public void pageStreamOf(GuestMemoryLayout accepted) {
        if (streamIndex == 0) {
            throw new IllegalStateException("stream 0 carries its own LAYOUT");
        }
        pageStream = true;
        setLayout(accepted);
        // a page stream's handshake is its header alone: from here its deadlines are per record
        endRead();
    }

    /** The pages of each kind this stream has carried so far. */
    public EndTotals ownTotals() {
        return new EndTotals(round, dataPages, zeroPages, fillPages, (int) crc.getValue());
    }

    /** The layout, once the LAYOUT record has been read. */
    public GuestMemoryLayout layout() {
        return layout;
    }

    /**
     * Reads the next record. A PAGES record's data must be read with {@link #readData} before the
     * next call.
     */
    public StreamRecord next() throws IOException {
        if (dataLeft != 0) {
            throw new IllegalStateException("the data of the last PAGES record has not been read");
        }
        if (ended) {
            throw new StreamFormatException("record after COMMIT, CANCEL or DONE");
        }
        beginRead();
        StreamRecord r = readRecord();
        if (dataLeft == 0) {
            endRead();
        }
        return r;
    }

    private StreamRecord readRecord() throws IOException {
        recordHeader.clear();
        readFully(recordHeader);
        recordHeader.flip();
        int type = recordHeader.get() & 0xFF;
        int flags = recordHeader.get() & 0xFF;
        int reserved = recordHeader.getShort() & 0xFFFF;
        long length = recordHeader.getInt() & 0xFFFF_FFFFL;
        int crcBefore = (int) crc.getValue();
        crc.update(recordHeader.flip());
        if (flags != 0 || reserved != 0) {
            throw new StreamFormatException("record type 0x" + Integer.toHexString(type) + " has flags or reserved bits set");
        }
        if (pageStream && type != StreamFormat.TYPE_PAGES && type != StreamFormat.TYPE_DONE) {
            throw new StreamFormatException("record type 0x" + Integer.toHexString(type) + " on page stream " + streamIndex);
        }
        return switch (type) {
            case StreamFormat.TYPE_DONE -> readDone(length, crcBefore);
            case StreamFormat.TYPE_LAYOUT -> readLayout(length);
            case StreamFormat.TYPE_ROUND -> readRound(length);
            case StreamFormat.TYPE_PAGES -> readPages(length);
            case StreamFormat.TYPE_CANCEL -> readCancel(length);
            case StreamFormat.TYPE_END -> readEnd(length, crcBefore);
            case StreamFormat.TYPE_COMMIT -> readCommit(length);
            default -> throw new StreamFormatException("unknown record type 0x" + Integer.toHexString(type));
        };
    }

    /** Reads {@code dst.remaining()} bytes of the current PAGES record's page data into {@code dst}. */
    public void readData(ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        if (n > dataLeft) {
            throw new IllegalStateException("asked for " + n + " bytes, the record has " + dataLeft + " left");
        }
        readFully(dst);
        dataLeft -= n;
        if (dataLeft == 0) {
            endRead();
        }
    }

    private StreamRecord readCommit(long length) throws IOException {
        if (!endSeen) {
            throw new StreamFormatException("COMMIT before END");
        }
        if (length != 0) {
            throw new StreamFormatException("COMMIT has a body of " + length + " bytes");
        }
        ended = true;
        return new StreamRecord.Commit();
    }

    private StreamRecord readLayout(long length) throws IOException {
        if (layout != null) {
            throw new StreamFormatException("a second LAYOUT record");
        }
        ByteBuffer b = readBody(length, StreamFormat.MAX_LAYOUT_BODY, "LAYOUT");
        setLayout(LayoutCodec.decode(b));
        return new StreamRecord.Layout(layout);
    }

    private void setLayout(GuestMemoryLayout l) {
        layout = l;
        blockPages = new long[layout.blocks().size()];
        for (int i = 0; i < blockPages.length; i++) {
            blockPages[i] = layout.blocks().get(i).pages(layout.guestPageSize());
        }
    }

    private StreamRecord readRound(long length) throws IOException {
        requireLayout("ROUND");
        requireBeforeEnd("ROUND");
        if (length != StreamFormat.ROUND_BODY) {
            throw new StreamFormatException("ROUND body is " + length + " bytes, not " + StreamFormat.ROUND_BODY);
        }
        ByteBuffer b = readBody(length, StreamFormat.ROUND_BODY, "ROUND");
        long number = Wire.u32(b, "round");
        RoundKind kind = RoundKind.of(Wire.u8(b, "round kind"));
        if (finalRound) {
            throw new StreamFormatException("round " + number + " after the final round");
        }
        if (number != round + 1) {
            throw new StreamFormatException("round " + number + " follows round " + round);
        }
        if ((number == 1) != (kind == RoundKind.BULK)) {
            throw new StreamFormatException("round " + number + " cannot be of kind " + kind);
        }
        round = (int) number;
        finalRound = kind == RoundKind.FINAL;
        return new StreamRecord.Round(round, kind);
    }

    private StreamRecord readPages(long length) throws IOException {
        requireLayout("PAGES");
        requireBeforeEnd("PAGES");
        if (round == 0 && !pageStream) {
            throw new StreamFormatException("PAGES before the first ROUND");
        }
        int pageSize = layout.guestPageSize();
        if (length < StreamFormat.PAGES_FIXED || length > StreamFormat.maxPagesBody(pageSize)) {
            throw new StreamFormatException("PAGES body of " + length + " bytes is outside its limits");
        }
        ByteBuffer fixed = readExactly(StreamFormat.PAGES_FIXED);
        int block = Wire.u16(fixed, "block");
        int runCount = Wire.u16(fixed, "runCount");
        long declaredData = Wire.u32(fixed, "dataPages");
        if (block >= blockPages.length) {
            throw new StreamFormatException("PAGES for block " + block + ", the layout has " + blockPages.length);
        }
        if (runCount < 1 || runCount > StreamFormat.MAX_RUNS) {
            throw new StreamFormatException("PAGES with " + runCount + " runs");
        }
        if (declaredData > StreamFormat.MAX_DATA_PAGES) {
            throw new StreamFormatException("PAGES with " + declaredData + " data pages");
        }
        long expectedLength = StreamFormat.PAGES_FIXED + (long) StreamFormat.RUN_BYTES * runCount + declaredData * pageSize;
        if (length != expectedLength) {
            throw new StreamFormatException("PAGES body is " + length + " bytes, its fields say " + expectedLength);
        }
        ByteBuffer runBytes = readExactly(StreamFormat.RUN_BYTES * runCount);
        List<PageRun> runs = new ArrayList<>(runCount);
        long dataInRuns = 0;
        for (int i = 0; i < runCount; i++) {
            long first = Wire.u64(runBytes, "run first page");
            long count = Wire.u32(runBytes, "run page count");
            PageRun.Kind kind = PageRun.Kind.of(Wire.u8(runBytes, "run kind"));
            byte fill = (byte) Wire.u8(runBytes, "fill byte");
            int reserved = Wire.u16(runBytes, "run reserved");
            if (count < 1 || count > Integer.MAX_VALUE || first > blockPages[block] - count) {
                throw new StreamFormatException("run " + first + "+" + count + " is outside block " + block
                        + " of " + blockPages[block] + " pages");
            }
            if (reserved != 0 || (kind != PageRun.Kind.FILL && fill != 0)) {
                throw new StreamFormatException("run " + first + "+" + count + " has reserved bits set");
            }
            if (streamCount > 1 && (first / StreamFormat.UNIT_PAGES != (first + count - 1) / StreamFormat.UNIT_PAGES
                    || StreamFormat.streamOf(first, streamCount) != streamIndex)) {
                // a page travels on one stream only: that is what keeps its copies in order
                throw new StreamFormatException("run " + first + "+" + count + " does not belong on stream " + streamIndex
                        + " of " + streamCount);
            }
            switch (kind) {
                case DATA -> dataInRuns += count;
                case ZERO -> zeroPages += count;
                case FILL -> fillPages += count;
            }
            runs.add(new PageRun(first, (int) count, kind, fill));
        }
        if (dataInRuns != declaredData) {
            throw new StreamFormatException("DATA runs hold " + dataInRuns + " pages, the record says " + declaredData);
        }
        dataPages += declaredData;
        dataLeft = declaredData * pageSize;
        return new StreamRecord.Pages(block, List.copyOf(runs), (int) declaredData);
    }

    private StreamRecord readCancel(long length) throws IOException {
        requireLayout("CANCEL");
        ByteBuffer b = readBody(length, StreamFormat.MAX_CANCEL_BODY, "CANCEL");
        String reason = Wire.getString(b, "cancel reason");
        Wire.expectEnd(b, "CANCEL");
        ended = true;
        return new StreamRecord.Cancel(reason);
    }

    private StreamRecord readEnd(long length, int crcBefore) throws IOException {
        requireLayout("END");
        requireBeforeEnd("END");
        if (!finalRound) {
            throw new StreamFormatException("END before the final round");
        }
        if (length != StreamFormat.END_BODY) {
            throw new StreamFormatException("END body is " + length + " bytes");
        }
        ByteBuffer b = readBody(length, StreamFormat.END_BODY, "END");
        long rounds = Wire.u32(b, "rounds");
        long data = Wire.u64(b, "dataPages");
        long zero = Wire.u64(b, "zeroPages");
        long fill = Wire.u64(b, "fillPages");
        int sentCrc = b.getInt();
        int reserved = b.getInt();
        if (reserved != 0) {
            throw new StreamFormatException("END has reserved bits set");
        }
        // with several streams the totals are the migration's: the destination adds up the streams
        if (rounds != round || (streamCount == 1 && (data != dataPages || zero != zeroPages || fill != fillPages))) {
            throw new StreamFormatException("END totals (rounds " + rounds + ", data " + data + ", zero " + zero
                    + ", fill " + fill + ") differ from what arrived (" + round + ", " + dataPages + ", "
                    + zeroPages + ", " + fillPages + ")");
        }
        if (sentCrc != crcBefore) {
            throw new StreamFormatException("stream CRC-32C " + Integer.toHexString(crcBefore)
                    + " differs from the source's " + Integer.toHexString(sentCrc));
        }
        endSeen = true;
        return new StreamRecord.End(new EndTotals((int) rounds, data, zero, fill, sentCrc));
    }

    private StreamRecord readDone(long length, int crcBefore) throws IOException {
        if (!pageStream) {
            throw new StreamFormatException("DONE on stream " + streamIndex + " (only page streams end with DONE)");
        }
        if (length != StreamFormat.DONE_BODY) {
            throw new StreamFormatException("DONE body is " + length + " bytes");
        }
        ByteBuffer b = readBody(length, StreamFormat.DONE_BODY, "DONE");
        long data = Wire.u64(b, "dataPages");
        long zero = Wire.u64(b, "zeroPages");
        long fill = Wire.u64(b, "fillPages");
        int sentCrc = b.getInt();
        int reserved = b.getInt();
        if (reserved != 0) {
            throw new StreamFormatException("DONE has reserved bits set");
        }
        if (data != dataPages || zero != zeroPages || fill != fillPages) {
            throw new StreamFormatException("DONE totals of stream " + streamIndex + " (data " + data + ", zero " + zero
                    + ", fill " + fill + ") differ from what arrived (" + dataPages + ", " + zeroPages + ", " + fillPages + ")");
        }
        if (sentCrc != crcBefore) {
            throw new StreamFormatException("stream " + streamIndex + " CRC-32C " + Integer.toHexString(crcBefore)
                    + " differs from the source's " + Integer.toHexString(sentCrc));
        }
        ended = true;
        return new StreamRecord.Done(new EndTotals(0, data, zero, fill, sentCrc));
    }

    private void requireBeforeEnd(String record) throws StreamFormatException {
        if (endSeen) {
            throw new StreamFormatException(record + " after END");
        }
    }

    private void requireLayout(String record) throws StreamFormatException {
        if (layout == null) {
            throw new StreamFormatException(record + " before LAYOUT");
        }
    }

    private ByteBuffer readBody(long length, int limit, String record) throws IOException {
        if (length > limit) {
            throw new StreamFormatException(record + " body of " + length + " bytes exceeds " + limit);
        }
        return readExactly((int) length);
    }

    private ByteBuffer readExactly(int n) throws IOException {
        if (body.capacity() < n) {
            body = ByteBuffer.allocate(Math.max(n, Math.min(StreamFormat.MAX_LAYOUT_BODY, 2 * body.capacity())));
        }
        body.clear().limit(n);
        readFully(body);
        body.flip();
        crc.update(body.duplicate());
        return body;
    }

    private void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = in.read(dst);
            if (n < 0) {
                throw new EOFException("the connection closed in the middle of the stream");
            }
            bytesRead += n;
        }
    }
}
