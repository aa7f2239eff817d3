package io.pagehint.api.migration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to migrate. {@link #defaults()} gives what a user gets without asking; a {@link Builder}
 * changes what they ask for.
 *
 * @param downtimeLimit     the longest the guest may stay paused: stop-and-copy starts when what
 *                          is left can be sent in this time at the bandwidth measured so far
 * @param bandwidthLimit    bytes per second on the wire, 0 for no limit
 * @param maxRounds         after this many rounds, stop-and-copy starts whatever is left
 * @param useHints          ask the guest for free-page hints and skip what it reports free
 * @param hintTransport     the hint source transport to use ({@code HintSource.TRANSPORT}), or null for any
 * @param dropPageCache     ask the guest to drop its clean page cache before hinting (section 6)
 * @param autoConverge      throttle the guest's vCPUs when it dirties memory faster than it can be sent
 * @param connectTimeout    how long to try to reach the destination
 * @param hintWait          how long the bulk round may wait for the guest's first hints to be
 *                          complete before it starts sending (section 8 of the note waits for the
 *                          bitmap; hints that arrive later are still applied as they come)
 * @param stallTimeout      the longest the source waits on the destination at any one point before
 *                          the result: to accept the layout (and each further stream), or to take
 *                          the next bytes of any stream (a stalled network). When it passes, the
 *                          migration fails and a paused guest is resumed
 * @param resultTimeout     how long the source waits, after END, for the destination's RESULT (its
 *                          check of the guest). When it passes, the source sends CANCEL, resumes
 *                          its guest and fails the migration: it has not handed the guest over
 * @param tlsCredentials    a folder laid out as QEMU's x509 credentials ({@code ca-cert.pem},
 *                          {@code client-cert.pem}, {@code client-key.pem}): the stream goes over
 *                          TLS 1.3 with mutual X.509 authentication; null for plain TCP
 * @param streams           how many connections carry the migration's pages (1..{@value #MAX_STREAMS});
 *                          docs/STREAM.md says how they are tied and divided
 */
public record MigrationOptions(Duration downtimeLimit, long bandwidthLimit, int maxRounds, boolean useHints,
                               String hintTransport, boolean dropPageCache, boolean autoConverge,
                               Duration connectTimeout, Duration hintWait, Duration stallTimeout,
                               Duration resultTimeout, Path tlsCredentials, int streams) {

    /** The default stall timeout: 30 s, as long as a destination waits for a silent source. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** The default result timeout: 120 s, ample for the reference guest's check of a large guest. */
    public static final Duration DEFAULT_RESULT_TIMEOUT = Duration.ofSeconds(120);
    /** The most streams one migration may use. */
    public static final int MAX_STREAMS = 16;

    public MigrationOptions {
        Objects.requireNonNull(downtimeLimit, "downtimeLimit");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(hintWait, "hintWait");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(resultTimeout, "resultTimeout");
        if (downtimeLimit.isNegative() || hintWait.isNegative() || bandwidthLimit < 0 || maxRounds < 1
                || stallTimeout.isNegative() || stallTimeout.isZero() || resultTimeout.isNegative() || resultTimeout.isZero()) {
            throw new IllegalArgumentException("bad migration options: downtime " + downtimeLimit
                    + ", bandwidth " + bandwidthLimit + ", rounds " + maxRounds + ", stall timeout " + stallTimeout
                    + ", result timeout " + resultTimeout);
        }
        if (streams < 1 || streams > MAX_STREAMS) {
            throw new IllegalArgumentException("bad migration options: " + streams + " streams (1.." + MAX_STREAMS + ")");
        }
    }

    /** The options of API 1.0: default stall and result timeouts, plain TCP, one stream. */
    public MigrationOptions(Duration downtimeLimit, long bandwidthLimit, int maxRounds, boolean useHints,
                            String hintTransport, boolean dropPageCache, boolean autoConverge,
                            Duration connectTimeout, Duration hintWait) {
        this(downtimeLimit, bandwidthLimit, maxRounds, useHints, hintTransport, dropPageCache, autoConverge,
                connectTimeout, hintWait, DEFAULT_STALL_TIMEOUT, DEFAULT_RESULT_TIMEOUT, null, 1);
    }

    /** The options with the timeouts of issue 14: plain TCP, one stream. */
    public MigrationOptions(Duration downtimeLimit, long bandwidthLimit, int maxRounds, boolean useHints,
                            String hintTransport, boolean dropPageCache, boolean autoConverge,
                            Duration connectTimeout, Duration hintWait, Duration stallTimeout, Duration resultTimeout) {
        this(downtimeLimit, bandwidthLimit, maxRounds, useHints, hintTransport, dropPageCache, autoConverge,
                connectTimeout, hintWait, stallTimeout, resultTimeout, null, 1);
    }

    /** The options with TLS and streams of issue 12: the default stall and result timeouts. */
    public MigrationOptions(Duration downtimeLimit, long bandwidthLimit, int maxRounds, boolean useHints,
                            String hintTransport, boolean dropPageCache, boolean autoConverge,
                            Duration connectTimeout, Duration hintWait, Path tlsCredentials, int streams) {
        this(downtimeLimit, bandwidthLimit, maxRounds, useHints, hintTransport, dropPageCache, autoConverge,
                connectTimeout, hintWait, DEFAULT_STALL_TIMEOUT, DEFAULT_RESULT_TIMEOUT, tlsCredentials, streams);
    }

    /**
     * 300 ms downtime, no bandwidth limit, 30 rounds, hints on any transport, auto-converge, 10 s
     * to connect (TLS handshake included), up to 100 ms of waiting for the first hints, 30 s of
     * stall and 120 s for the result, plain TCP (the engine's configured TLS credentials apply when
     * there are any), one stream.
     */
    public static MigrationOptions defaults() {
        return new MigrationOptions(Duration.ofMillis(300), 0, 30, true, null, false, true, Duration.ofSeconds(10),
                Duration.ofMillis(100), DEFAULT_STALL_TIMEOUT, DEFAULT_RESULT_TIMEOUT, null, 1);
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some options, keeps the rest. */
    public static final class Builder {
        private Duration downtimeLimit;
        private long bandwidthLimit;
        private int maxRounds;
        private boolean useHints;
        private String hintTransport;
        private boolean dropPageCache;
        private boolean autoConverge;
        private Duration connectTimeout;
        private Duration hintWait;
        private Duration stallTimeout;
        private Duration resultTimeout;
        private Path tlsCredentials;
        private int streams;

        private Builder(MigrationOptions o) {
            downtimeLimit = o.downtimeLimit;
            bandwidthLimit = o.bandwidthLimit;
            maxRounds = o.maxRounds;
            useHints = o.useHints;
            hintTransport = o.hintTransport;
            dropPageCache = o.dropPageCache;
            autoConverge = o.autoConverge;
            connectTimeout = o.connectTimeout;
            hintWait = o.hintWait;
            stallTimeout = o.stallTimeout;
            resultTimeout = o.resultTimeout;
            tlsCredentials = o.tlsCredentials;
            streams = o.streams;
        }

        public Builder downtimeLimit(Duration v) { downtimeLimit = v; return this; }
        public Builder bandwidthLimit(long bytesPerSecond) { bandwidthLimit = bytesPerSecond; return this; }
        public Builder maxRounds(int v) { maxRounds = v; return this; }
        public Builder useHints(boolean v) { useHints = v; return this; }
        public Builder hintTransport(String v) { hintTransport = v; return this; }
        public Builder dropPageCache(boolean v) { dropPageCache = v; return this; }
        public Builder autoConverge(boolean v) { autoConverge = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder hintWait(Duration v) { hintWait = v; return this; }
        public Builder stallTimeout(Duration v) { stallTimeout = v; return this; }
        public Builder resultTimeout(Duration v) { resultTimeout = v; return this; }
        public Builder tlsCredentials(Path folder) { tlsCredentials = folder; return this; }
        public Builder streams(int n) { streams = n; return this; }

        public MigrationOptions build() {
            return new MigrationOptions(downtimeLimit, bandwidthLimit, maxRounds, useHints, hintTransport,
                    dropPageCache, autoConverge, connectTimeout, hintWait, stallTimeout, resultTimeout,
                    tlsCredentials, streams);
        }
    }
}
