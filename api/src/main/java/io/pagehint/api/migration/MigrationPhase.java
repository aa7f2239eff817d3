package io.pagehint.api.migration;

/** Where a migration is. The last three are final. */
public enum MigrationPhase {
    /** Connecting, handshake, layout, dirty log on, first hint request. */
    SETUP,
    /** The first round: every page is in the migration bitmap; hints clear what is free. */
    BULK,
    /** Later rounds: pages dirtied since the last harvest. */
    ITERATE,
    /** The guest is paused; the rest is being sent. */
    STOP_AND_COPY,
    /** The destination is checking the guest. */
    VERIFYING,
    COMPLETED,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
