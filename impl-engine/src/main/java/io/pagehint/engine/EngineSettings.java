package io.pagehint.engine;

import java.time.Duration;

/**
 * How the engine behaves, from its configuration.
 *
 * @param eventInterval       how often progress events go out while a round runs
 * @param stallTimeout        a destination that receives nothing for this long gives up
 * @param replyTimeout        how long the source waits for the destination to accept the layout
 * @param throttleInitial     auto-converge's first throttle, percent
 * @param throttleIncrement   auto-converge's step, percent
 * @param applyStaleHints     TEST ONLY: switches off the rule that hints stop before each harvest
 *                            (set by the system property {@value #APPLY_STALE_HINTS_PROPERTY}); a
 *                            migration with it on can lose guest writes, which the race test uses
 *                            to prove it can fail
 */
public record EngineSettings(Duration eventInterval, Duration stallTimeout, Duration replyTimeout,
                             int throttleInitial, int throttleIncrement, boolean applyStaleHints) {

    public static final String APPLY_STALE_HINTS_PROPERTY = "pagehint.engine.test.applyStaleHints";

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(30), 20, 10,
                Boolean.getBoolean(APPLY_STALE_HINTS_PROPERTY));
    }
}
