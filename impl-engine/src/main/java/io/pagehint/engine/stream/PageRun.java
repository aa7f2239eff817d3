package io.pagehint.engine.stream;

/**
 * A run of pages in a PAGES record: {@code pageCount} pages of one block from {@code firstPage}.
 *
 * @param kind     what the run carries
 * @param fillByte the byte of a FILL run, 0 otherwise
 */
public record PageRun(long firstPage, int pageCount, Kind kind, byte fillByte) {

    /** What a run carries. */
    public enum Kind {
        DATA(0), ZERO(1), FILL(2);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Kind of(int code) throws StreamFormatException {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new StreamFormatException("unknown page run kind " + code);
        }
    }

    public PageRun {
        if (firstPage < 0 || pageCount < 1) {
            throw new IllegalArgumentException("bad run " + firstPage + "+" + pageCount);
        }
        if (kind != Kind.FILL && fillByte != 0) {
            throw new IllegalArgumentException("only FILL runs have a fill byte");
        }
    }

    public static PageRun data(long firstPage, int pageCount) {
        return new PageRun(firstPage, pageCount, Kind.DATA, (byte) 0);
    }

    public static PageRun zero(long firstPage, int pageCount) {
        return new PageRun(firstPage, pageCount, Kind.ZERO, (byte) 0);
    }

    public static PageRun fill(long firstPage, int pageCount, byte value) {
        return value == 0 ? zero(firstPage, pageCount) : new PageRun(firstPage, pageCount, Kind.FILL, value);
    }

    public long endPage() {
        return firstPage + pageCount;
    }
}
