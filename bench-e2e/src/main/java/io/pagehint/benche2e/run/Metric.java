package io.pagehint.benche2e.run;

import java.util.function.ToDoubleFunction;

/** What the table and the JSON summarise per cell and variant: medians of these, and hinted/legacy ratios of pairs. */
public enum Metric {
    MIGRATION_MS("migrationMs", "migration", r -> r.migrationMs()),
    TOTAL_MS("totalMs", "total incl. check", r -> r.totalMs()),
    SETUP_MS("setupMs", "setup", r -> r.setupMs()),
    DOWNTIME_MS("downtimeMs", "downtime", r -> r.downtimeMs()),
    ROUNDS("rounds", "rounds", r -> r.rounds()),
    BYTES_ON_WIRE("bytesOnWire", "on the wire", r -> r.bytesOnWire()),
    PAGES_SENT("pagesSent", "pages sent", r -> r.pagesSent()),
    ZERO_PAGES("zeroPages", "zero pages", r -> r.zeroPages()),
    PAGES_SKIPPED("pagesSkippedByHints", "skipped", r -> r.pagesSkippedByHints()),
    FIRST_HINT_MS("firstHintMs", "1st hint", r -> r.firstHintMs() == null ? Double.NaN : r.firstHintMs()),
    HINT_READY_MS("hintReadyMs", "READY", r -> r.hintReadyMs() == null ? Double.NaN : r.hintReadyMs()),
    SOURCE_CPU_S("sourceCpuSeconds", "src CPU", r -> r.sourceCpuSeconds()),
    DESTINATION_CPU_S("destinationCpuSeconds", "dst CPU", r -> r.destinationCpuSeconds()),
    DESTINATION_PEAK_RSS("destinationPeakRss", "dst peak RSS", r -> r.destinationPeakRss()),
    GUEST_OPS_PER_S("guestOpsPerSecond", "guest ops/s", r -> r.guestOpsPerSecond()),
    SENDING_RATE("sendingBytesPerSecond", "send rate", RunRecord::sendingBytesPerSecond);

    private final String jsonName;
    private final String heading;
    private final ToDoubleFunction<RunRecord> value;

    Metric(String jsonName, String heading, ToDoubleFunction<RunRecord> value) {
        this.jsonName = jsonName;
        this.heading = heading;
        this.value = value;
    }

    public String jsonName() {
        return jsonName;
    }

    public String heading() {
        return heading;
    }

    /** The run's value, NaN when the run did not measure it. */
    public double of(RunRecord r) {
        return value.applyAsDouble(r);
    }
}
