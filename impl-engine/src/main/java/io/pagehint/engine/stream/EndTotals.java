package io.pagehint.engine.stream;

/** The body of an END record: what the whole stream carried, for the destination to check. */
public record EndTotals(int rounds, long dataPages, long zeroPages, long fillPages, int crc32c) {
}
