package io.pagehint.engine;

import java.time.Duration;

/**
 * How the engine behaves, from its configuration (PID {@value MigrationEngine#PID}). A migration
 * takes the settings of the moment it starts; a new configuration applies to migrations started after it.
 *
 * @param eventInterval       how often progress events go out while a round runs
 * @param stallTimeout        a destination that receives nothing for this long gives up; it also
 *                            bounds each record, the handshake, and the wait for COMMIT after RESULT
 * @param throttleInitial     auto-converge's first throttle, percent
 * @param throttleIncrement   auto-converge's step, percent
 */
public record EngineSettings(Duration eventInterval, Duration stallTimeout, int throttleInitial, int throttleIncrement) {

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofMillis(100), Duration.ofSeconds(30), 20, 10);
    }

    /** The settings a configuration gives. */
    static EngineSettings of(MigrationEngine.Config config) {
        return new EngineSettings(Duration.ofMillis(config.event_interval_ms()), Duration.ofSeconds(config.stall_timeout_s()),
                config.throttle_initial(), config.throttle_increment());
    }
}
