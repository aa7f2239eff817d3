package io.pagehint.benche2e.run;

/**
 * How a cell's migrations travel: plain TCP or TLS 1.3, over how many streams. The published
 * experiments' cells are plain over one stream; the others measure what TLS and streams cost or gain.
 */
public record Transport(boolean tls, int streams) {

    public static final Transport PLAIN = new Transport(false, 1);

    public Transport {
        if (streams < 1) {
            throw new IllegalArgumentException("a migration needs a stream");
        }
    }

    public boolean isPlainSingle() {
        return !tls && streams == 1;
    }

    /** "plain x1", "tls x2". */
    public String label() {
        return (tls ? "tls" : "plain") + " x" + streams;
    }
}
