package io.pagehint.api.migration;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.osgi.annotation.versioning.ProviderType;

/** A migration under way, from either end. */
@ProviderType
public interface Migration {

    String id();

    MigrationRole role();

    MigrationPhase phase();

    /**
     * Cancels the migration in whatever phase it is: hints stop, a paused source guest is resumed,
     * sockets and mappings are released, the destination discards what it received. Returns at
     * once; {@link #result()} completes when the cancel is done. Does nothing once final.
     */
    void cancel();

    /** Completes with the report when the migration ends, whether it completed, failed or was cancelled. */
    CompletionStage<MigrationReport> result();

    /** Waits for the report. */
    MigrationReport await(Duration timeout) throws InterruptedException, TimeoutException;
}
