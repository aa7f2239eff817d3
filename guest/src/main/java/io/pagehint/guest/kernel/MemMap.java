package io.pagehint.guest.kernel;

import io.pagehint.reference.ram.Region;

/**
 * The page-metadata array ("memmap") in guest RAM: one {@value #ENTRY_BYTES}-byte entry per RAM
 * page, by dense page index ({@link KernelGeometry#index}). Layout of an entry (little-endian):
 *
 * <pre>
 *  0  u8  state      TAIL(0) RESERVED(1) KERNEL(2) FREE(3) ANON(4) CACHE(5) HINT(6)
 *  1  u8  order      block order, for the head of a FREE, KERNEL or HINT block
 *  2  u8  flags      bit 0 CONTENT_KNOWN: the checksum is valid; bit 1 DIRTY (page cache)
 *  3  u8  zone
 *  4  u32 owner      ANON: the vCPU; CACHE: the file
 *  8  u32 next       free-list or LRU link (dense index, 0xFFFFFFFF = none)
 * 12  u32 prev
 * 16  u64 checksum   {@link PageChecksum} of the content, when CONTENT_KNOWN
 * 24  u32 file index CACHE: page index in the file
 * 28  u32 version    CACHE: content version
 * </pre>
 *
 * As in Linux, only the first page of a block says what the block is: the entries of the other
 * pages of a FREE, KERNEL or HINT block of order {@code k} are all zero (TAIL), so a free 4 MiB block
 * costs one entry write, and an idle guest's metadata stays mostly unwritten (sparse).
 */
final class MemMap {

    static final int ENTRY_BYTES = 32;
    static final long NIL = 0xFFFF_FFFFL;

    static final int TAIL = 0;
    static final int RESERVED = 1;
    static final int KERNEL = 2;
    static final int FREE = 3;
    static final int ANON = 4;
    static final int CACHE = 5;
    static final int HINT = 6;
    static final int STATES = 7;

    static final int CONTENT_KNOWN = 1;
    static final int DIRTY = 2;

    private final Region r;

    MemMap(Region region) {
        this.r = region;
    }

    static String stateName(int state) {
        return switch (state) {
            case TAIL -> "tail";
            case RESERVED -> "reserved";
            case KERNEL -> "kernel";
            case FREE -> "free";
            case ANON -> "anon";
            case CACHE -> "page-cache";
            case HINT -> "hint-block";
            default -> "bad-state-" + state;
        };
    }

    static long word0(int state, int order, int flags, int zone, long owner) {
        return state | (long) order << 8 | (long) flags << 16 | (long) zone << 24 | owner << 32;
    }

    long word0(long idx) {
        return r.readLong(idx * ENTRY_BYTES);
    }

    static int state(long word0) {
        return (int) (word0 & 0xff);
    }

    static int order(long word0) {
        return (int) (word0 >>> 8 & 0xff);
    }

    static int flags(long word0) {
        return (int) (word0 >>> 16 & 0xff);
    }

    static int zone(long word0) {
        return (int) (word0 >>> 24 & 0xff);
    }

    static long owner(long word0) {
        return word0 >>> 32;
    }

    int stateAt(long idx) {
        return r.readByte(idx * ENTRY_BYTES) & 0xff;
    }

    long next(long idx) {
        return r.readInt(idx * ENTRY_BYTES + 8) & 0xffffffffL;
    }

    long prev(long idx) {
        return r.readInt(idx * ENTRY_BYTES + 12) & 0xffffffffL;
    }

    long checksum(long idx) {
        return r.readLong(idx * ENTRY_BYTES + 16);
    }

    int fileIndex(long idx) {
        return r.readInt(idx * ENTRY_BYTES + 24);
    }

    int version(long idx) {
        return r.readInt(idx * ENTRY_BYTES + 28);
    }

    /** Whether the whole entry is zero (a TAIL entry must be). */
    boolean isZero(long idx) {
        long at = idx * ENTRY_BYTES;
        return r.readLong(at) == 0 && r.readLong(at + 8) == 0 && r.readLong(at + 16) == 0 && r.readLong(at + 24) == 0;
    }

    void setWord0(long idx, long word0) {
        r.writeLong(idx * ENTRY_BYTES, word0);
    }

    void setLinks(long idx, long next, long prev) {
        r.writeLong(idx * ENTRY_BYTES + 8, next | prev << 32);
    }

    void setNext(long idx, long next) {
        r.writeInt(idx * ENTRY_BYTES + 8, (int) next);
    }

    void setPrev(long idx, long prev) {
        r.writeInt(idx * ENTRY_BYTES + 12, (int) prev);
    }

    void setChecksum(long idx, long checksum) {
        r.writeLong(idx * ENTRY_BYTES + 16, checksum);
    }

    void setFilePage(long idx, int fileIndex, int version) {
        r.writeLong(idx * ENTRY_BYTES + 24, (fileIndex & 0xffffffffL) | (long) version << 32);
    }

    /** Makes the entry all zero (TAIL). */
    void clear(long idx) {
        r.fill(idx * ENTRY_BYTES, ENTRY_BYTES, (byte) 0);
    }

    /** Writes a head entry of a fresh block: state, order, zone; no links, checksum or file page. */
    void setHead(long idx, int state, int order, int flags, int zone, long owner) {
        clearIfUsed(idx);
        setWord0(idx, word0(state, order, flags, zone, owner));
    }

    private void clearIfUsed(long idx) {
        long at = idx * ENTRY_BYTES;
        if (r.readLong(at + 8) != 0 || r.readLong(at + 16) != 0 || r.readLong(at + 24) != 0) {
            r.fill(at + 8, ENTRY_BYTES - 8, (byte) 0);
        }
    }
}
