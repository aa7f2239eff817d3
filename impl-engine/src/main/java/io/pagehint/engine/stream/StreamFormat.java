package io.pagehint.engine.stream;

import java.nio.charset.StandardCharsets;

/** The constants of docs/STREAM.md, the normative description of the migration stream. */
public final class StreamFormat {

    private StreamFormat() {
    }

    public static final byte[] MAGIC = "PGHTMIGR".getBytes(StandardCharsets.US_ASCII);
    /** The version of one stream per migration; a source with one stream writes it. */
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 32;
    /** The version of several streams per migration (section 6). */
    public static final int VERSION_STREAMS = 2;
    public static final int HEADER_LENGTH_STREAMS = 40;
    /** Pages of a block go to stream (page / UNIT_PAGES) mod streamCount. */
    public static final int UNIT_PAGES = 512;
    public static final int MAX_STREAMS = 16;
    public static final int RECORD_HEADER_LENGTH = 8;
    public static final int MAX_STRING_BYTES = 1024;

    public static final int TYPE_LAYOUT = 0x01;
    public static final int TYPE_ROUND = 0x02;
    public static final int TYPE_PAGES = 0x03;
    public static final int TYPE_CANCEL = 0x04;
    public static final int TYPE_COMMIT = 0x05;
    public static final int TYPE_DONE = 0x06;
    public static final int TYPE_END = 0x7F;

    public static final int REPLY_ACCEPT = 0x81;
    public static final int REPLY_REJECT = 0x82;
    public static final int REPLY_RESULT = 0x83;
    public static final int REPLY_ERROR = 0x84;

    public static final int MAX_LAYOUT_BODY = 64 * 1024;
    public static final int ROUND_BODY = 5;
    public static final int PAGES_FIXED = 8;
    public static final int RUN_BYTES = 16;
    public static final int MAX_RUNS = 1024;
    public static final int MAX_DATA_PAGES = 256;
    public static final int MAX_CANCEL_BODY = 2 + MAX_STRING_BYTES;
    public static final int END_BODY = 36;
    public static final int DONE_BODY = 32;
    public static final int MAX_REPLY_BODY = 1 + 8 + 8 + 2 + MAX_STRING_BYTES;

    public static final int MAX_BLOCKS = 256;
    public static final int MAX_RANGES_PER_BLOCK = 64;
    public static final int MAX_RESERVED = 256;

    /** The stream that carries page {@code page} (page offset in its block) of a migration with {@code streams} streams. */
    public static int streamOf(long page, int streams) {
        return (int) ((page / UNIT_PAGES) % streams);
    }

    /** The largest PAGES body for a page size. */
    public static long maxPagesBody(int guestPageSize) {
        return PAGES_FIXED + (long) RUN_BYTES * MAX_RUNS + (long) MAX_DATA_PAGES * guestPageSize;
    }
}
