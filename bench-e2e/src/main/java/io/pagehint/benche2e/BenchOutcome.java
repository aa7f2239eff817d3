package io.pagehint.benche2e;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** What one benchmark run produced, in the forms {@code pagehint bench} writes. */
public interface BenchOutcome {

    /** Whether every recorded migration arrived whole. */
    boolean allSucceeded();

    /** Every run, the limits, the medians and the targets. */
    JsonObject json();

    /** The table of medians, ratios, limits and targets. */
    void printTable(PrintWriter out);

    /** Legacy beside hinted per scenario, and bytes per round, as a PNG. */
    void writeChart(Path png) throws IOException;
}
