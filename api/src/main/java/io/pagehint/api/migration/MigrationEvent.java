package io.pagehint.api.migration;

import java.time.Instant;

/**
 * Progress of a migration, sent to {@link MigrationListener}s as it goes: at each phase change,
 * each round, and about every 100 ms in between.
 *
 * @param migrationId         the migration
 * @param role                which end speaks
 * @param phase               where it is
 * @param round               the current round, from 1 (0 during setup)
 * @param bytesOnWire         bytes sent or received so far
 * @param pagesSent           pages whose content crossed the wire so far
 * @param pagesLeft           pages still in the migration bitmap (source), -1 if unknown
 * @param bytesPerSecond      recent rate on the wire
 * @param pagesSkippedByHints pages not sent because the guest hinted them free, so far
 * @param at                  when
 * @param message             what happened, for people
 */
public record MigrationEvent(String migrationId, MigrationRole role, MigrationPhase phase, int round,
                             long bytesOnWire, long pagesSent, long pagesLeft, double bytesPerSecond,
                             long pagesSkippedByHints, Instant at, String message) {
}
