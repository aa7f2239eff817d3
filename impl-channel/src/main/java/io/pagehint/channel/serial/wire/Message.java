package io.pagehint.channel.serial.wire;

import java.util.Arrays;

/**
 * A message of the serial hint protocol (PROTOCOL.md A.3), one record per type. The records
 * check what the protocol requires of their fields, so a decoded message is always well formed;
 * whether it is allowed in the current state is the session's business.
 */
public sealed interface Message {

    MessageType type();

    /** Payload bytes of this message on the wire. */
    int payloadBytes();

    /** The guest's handshake. */
    record Hello(int maxFrame, int pageSize, long features, int poison) implements Message {
        public Hello {
            require(Frame.isValidLimit(Integer.toUnsignedLong(maxFrame)), "HELLO max_frame out of range");
            require(pageSize >= 4096 && Integer.bitCount(pageSize) == 1, "HELLO page_size is not a power of two >= 4096");
            require((poison & ~0xFF) == 0, "HELLO poison is a byte");
            require(Features.has(features, Features.PAGE_POISON) || poison == 0, "HELLO poison without F_PAGE_POISON");
        }

        @Override
        public MessageType type() {
            return MessageType.HELLO;
        }

        @Override
        public int payloadBytes() {
            return 24;
        }
    }

    /** The host's answer to HELLO. */
    record Welcome(int maxFrame, long features) implements Message {
        public Welcome {
            require(Frame.isValidLimit(Integer.toUnsignedLong(maxFrame)), "WELCOME max_frame out of range");
        }

        @Override
        public MessageType type() {
            return MessageType.WELCOME;
        }

        @Override
        public int payloadBytes() {
            return 16;
        }
    }

    /** Section 7a asked. */
    record MemInfoRequest(long tag) implements Message {
        @Override
        public MessageType type() {
            return MessageType.MEMINFO_REQUEST;
        }

        @Override
        public int payloadBytes() {
            return 8;
        }
    }

    /** Section 7a answered. */
    record MemInfo(long tag, long freePages, long cachedPages, long maxPfn, int pageSize) implements Message {
        /** A plausibility bound on page counts: 2^52 pages is 16 EiB of 4 KiB pages. */
        public static final long MAX_PAGES = 1L << 52;

        public MemInfo {
            require(inRange(freePages) && inRange(cachedPages) && inRange(maxPfn), "MEMINFO counts must be below 2^52");
            require(pageSize >= 4096 && Integer.bitCount(pageSize) == 1, "MEMINFO page_size is not a power of two >= 4096");
        }

        private static boolean inRange(long v) {
            return v >= 0 && v < MAX_PAGES;
        }

        @Override
        public MessageType type() {
            return MessageType.MEMINFO;
        }

        @Override
        public int payloadBytes() {
            return 40;
        }
    }

    /** Section 7b asked: build the free-page bitmap for {@code commandId}. */
    record BitmapRequest(long commandId, int flags) implements Message {
        /** Drop the clean page cache before building the bitmap (section 6). */
        public static final int DROP_CLEAN_CACHE = 1;

        public BitmapRequest {
            require(commandId >= 1, "BITMAP_REQUEST command id must be >= 1");
            require((flags & ~DROP_CLEAN_CACHE) == 0, "BITMAP_REQUEST has unknown flags");
        }

        public boolean dropCleanCache() {
            return (flags & DROP_CLEAN_CACHE) != 0;
        }

        @Override
        public MessageType type() {
            return MessageType.BITMAP_REQUEST;
        }

        @Override
        public int payloadBytes() {
            return 16;
        }
    }

    /** Part of the bitmap as raw words: bit b of words[i] marks PFN firstPfn + 64 i + b. */
    record ChunkWords(long commandId, long firstPfn, long[] words) implements Message {
        public ChunkWords {
            require(words.length >= 1, "CHUNK_WORDS needs at least one word");
            require(firstPfn >= 0 && (firstPfn & 63) == 0, "CHUNK_WORDS first_pfn must be a non-negative multiple of 64");
            // first_pfn + 64 n <= 2^63, written so that nothing overflows
            require(firstPfn <= Long.MAX_VALUE - 64L * words.length + 1, "CHUNK_WORDS runs past 2^63");
        }

        /** Free pages the chunk marks. */
        public long pages() {
            long n = 0;
            for (long w : words) {
                n += Long.bitCount(w);
            }
            return n;
        }

        @Override
        public MessageType type() {
            return MessageType.CHUNK_WORDS;
        }

        @Override
        public int payloadBytes() {
            return 24 + 8 * words.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChunkWords c && c.commandId == commandId && c.firstPfn == firstPfn
                    && Arrays.equals(c.words, words);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(commandId) * 31 + Long.hashCode(firstPfn) * 17 + Arrays.hashCode(words);
        }

        @Override
        public String toString() {
            return "ChunkWords[commandId=" + commandId + ", firstPfn=" + firstPfn + ", words=" + words.length + "]";
        }
    }

    /**
     * Part of the bitmap as runs: {@code runs[2k]} is the first PFN of run k and {@code runs[2k+1]}
     * its pages; ascending, not overlapping, each at least one page, none past 2^63.
     */
    record ChunkRanges(long commandId, long[] runs) implements Message {
        public ChunkRanges {
            require(runs.length >= 2 && (runs.length & 1) == 0, "CHUNK_RANGES needs at least one (first_pfn, pages) run");
            long end = 0; // unsigned: a run may end exactly at 2^63
            for (int i = 0; i < runs.length; i += 2) {
                long first = runs[i];
                long pages = runs[i + 1];
                // first_pfn + pages <= 2^63 is well formed (PROTOCOL.md A.3); whether it is RAM is the session's BAD_HINT
                require(first >= 0 && pages >= 1 && first <= Long.MAX_VALUE - pages + 1, "CHUNK_RANGES has an empty or overflowing run");
                require(Long.compareUnsigned(first, end) >= 0, "CHUNK_RANGES runs are not ascending and disjoint");
                end = first + pages;
            }
        }

        public int runCount() {
            return runs.length / 2;
        }

        /** Free pages the chunk marks. */
        public long pages() {
            long n = 0;
            for (int i = 1; i < runs.length; i += 2) {
                n += runs[i];
            }
            return n;
        }

        @Override
        public MessageType type() {
            return MessageType.CHUNK_RANGES;
        }

        @Override
        public int payloadBytes() {
            return 16 + 8 * runs.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChunkRanges c && c.commandId == commandId && Arrays.equals(c.runs, runs);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(commandId) * 31 + Arrays.hashCode(runs);
        }

        @Override
        public String toString() {
            return "ChunkRanges[commandId=" + commandId + ", runs=" + runCount() + "]";
        }
    }

    /**
     * The guest has sent all it will for {@code commandId}. The command id and the page total are
     * any u64: an id that was never issued is the session's BAD_COMMAND_ID, as for chunks, and a
     * total that does not match is its BAD_HINT (PROTOCOL.md A.4).
     */
    record BitmapDone(long commandId, long pages, int chunks, int status) implements Message {
        /** The whole bitmap was sent. */
        public static final int COMPLETE = 0;
        /** Cut short by STOP or a newer request. */
        public static final int STOPPED = 1;

        public BitmapDone {
            require(status == COMPLETE || status == STOPPED, "BITMAP_DONE status must be 0 or 1");
        }

        public boolean complete() {
            return status == COMPLETE;
        }

        @Override
        public MessageType type() {
            return MessageType.BITMAP_DONE;
        }

        @Override
        public int payloadBytes() {
            return 24;
        }
    }

    /** Stop working on {@code commandId}. */
    record Stop(long commandId) implements Message {
        public Stop {
            require(commandId >= 1, "STOP command id must be >= 1");
        }

        @Override
        public MessageType type() {
            return MessageType.STOP;
        }

        @Override
        public int payloadBytes() {
            return 8;
        }
    }

    /**
     * An error. {@code code} is the number on the wire; {@link #errorCode()} is null for a number
     * this version does not know.
     */
    record Error(int code, long commandId, String message) implements Message {
        /** The longest message text in bytes. */
        public static final int MAX_MESSAGE_BYTES = 1024;

        public Error {
            message = message == null ? "" : message;
            require(messageBytes(message).length <= MAX_MESSAGE_BYTES, "ERROR message longer than 1024 bytes");
        }

        public Error(ErrorCode code, long commandId, String message) {
            this(code.code(), commandId, truncate(message));
        }

        public ErrorCode errorCode() {
            return ErrorCode.of(code);
        }

        /** Unknown codes count as fatal. */
        public boolean isFatal() {
            ErrorCode c = errorCode();
            return c == null || c.isFatal();
        }

        @Override
        public MessageType type() {
            return MessageType.ERROR;
        }

        @Override
        public int payloadBytes() {
            return 16 + messageBytes(message).length;
        }

        static byte[] messageBytes(String message) {
            return message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        private static String truncate(String message) {
            String m = message == null ? "" : message;
            while (messageBytes(m).length > MAX_MESSAGE_BYTES) {
                m = m.substring(0, m.length() - Math.max(1, (messageBytes(m).length - MAX_MESSAGE_BYTES) / 4));
            }
            return m;
        }
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }
}
