package io.pagehint.api.migration;

/** Which end of a migration a report or event comes from. */
public enum MigrationRole {
    SOURCE,
    DESTINATION
}
