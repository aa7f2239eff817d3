package io.pagehint.engine.events;

/**
 * The EventAdmin topics and event properties the engine posts (documented in the engine's README,
 * "Events"). Property names are the JSON report's names ({@code pagehint migrate --json}), so a
 * controller reads the same facts either way.
 */
public final class MigrationTopics {

    /** Every topic starts with this; subscribe to {@code io/pagehint/migration/*} for all. */
    public static final String PREFIX = "io/pagehint/migration/";
    /** Once per migration, first: the engine took the request and its thread runs. */
    public static final String STARTED = PREFIX + "STARTED";
    /** The migration entered a phase that is not final (SETUP, BULK, ITERATE, STOP_AND_COPY, VERIFYING). */
    public static final String PHASE = PREFIX + "PHASE";
    /** A round began. */
    public static final String ROUND = PREFIX + "ROUND";
    /** Progress while a round runs, at most once per {@code event.interval.ms}, and any other engine message. */
    public static final String PROGRESS = PREFIX + "PROGRESS";
    /** Once per migration, just before {@link #ENDED}: what free-page hinting did. */
    public static final String HINTS = PREFIX + "HINTS";
    /** Once per migration, last: the outcome and the report's totals. */
    public static final String ENDED = PREFIX + "ENDED";

    // every event
    public static final String MIGRATION_ID = "migrationId";
    public static final String ROLE = "role";
    public static final String VM_ID = "vm.id";
    // STARTED
    public static final String DESTINATION = "destination";
    public static final String LISTEN = "listen";
    // PHASE, ROUND, PROGRESS
    public static final String PHASE_NAME = "phase";
    public static final String ROUND_NUMBER = "round";
    public static final String BYTES_ON_WIRE = "bytesOnWire";
    public static final String PAGES_SENT = "pagesSent";
    public static final String PAGES_LEFT = "pagesLeft";
    public static final String BYTES_PER_SECOND = "bytesPerSecond";
    public static final String PAGES_SKIPPED_BY_HINTS = "pagesSkippedByHints";
    public static final String MESSAGE = "message";
    // ENDED (with bytesOnWire, pagesSent, pagesSkippedByHints)
    public static final String OUTCOME = "outcome";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILURE = "failure";
    public static final String TOTAL_MS = "totalMs";
    public static final String SETUP_MS = "setupMs";
    public static final String DOWNTIME_MS = "downtimeMs";
    public static final String ROUNDS = "rounds";
    public static final String ZERO_PAGES = "zeroPages";
    public static final String SELF_CHECK_PASSED = "selfCheck.passed";
    // HINTS
    public static final String TRANSPORT = "transport";
    public static final String NOTE = "note";
    public static final String REQUESTS = "requests";
    public static final String CHUNKS_APPLIED = "chunksApplied";
    public static final String CHUNKS_DROPPED = "chunksDropped";
    public static final String PAGES_HINTED_FREE = "pagesHintedFree";
    public static final String HOLE_BITS = "holeBits";
    public static final String FIRST_HINT_MS = "firstHintMs";
    public static final String READY_MS = "readyMs";

    private MigrationTopics() {
    }
}
