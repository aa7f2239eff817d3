package io.pagehint.benche2e.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Every run of one invocation, with the physical limits measured in it, and the statistics the
 * report gives: medians per cell and variant over the runs that succeeded, and ratios taken pair
 * by pair (repetition k of the hinted runs over repetition k of the legacy runs) before the median.
 */
public final class Results {

    private final BenchSettings settings;
    private final PhysicalLimits.Limits limits;
    private final List<RunRecord> runs;

    Results(BenchSettings settings, PhysicalLimits.Limits limits, List<RunRecord> runs) {
        this.settings = settings;
        this.limits = limits;
        this.runs = List.copyOf(runs);
    }

    public BenchSettings settings() {
        return settings;
    }

    PhysicalLimits.Limits limits() {
        return limits;
    }

    public List<RunRecord> runs() {
        return runs;
    }

    /** The runs of a cell and variant, in repetition order. */
    public List<RunRecord> runs(Cell cell, Variant variant) {
        return runs.stream().filter(r -> r.cell().equals(cell) && r.variant() == variant).toList();
    }

    /** The median of {@code metric} over the succeeded runs of a cell and variant that measured it. */
    public OptionalDouble median(Cell cell, Variant variant, Metric metric) {
        return median(runs(cell, variant).stream().filter(RunRecord::succeeded).mapToDouble(metric::of).toArray());
    }

    /** The median over pairs of {@code metric(variant run k) / metric(legacy run k)}, both succeeded. */
    public OptionalDouble pairRatio(Cell cell, Variant variant, Metric metric) {
        List<Double> ratios = new ArrayList<>();
        for (RunRecord v : runs(cell, variant)) {
            for (RunRecord l : runs(cell, Variant.LEGACY)) {
                if (l.repetition() == v.repetition() && l.succeeded() && v.succeeded()) {
                    double den = metric.of(l);
                    double num = metric.of(v);
                    if (den > 0 && num >= 0) {
                        ratios.add(num / den);
                    }
                }
            }
        }
        return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The median of the values that are numbers and not negative (a negative value was not measured). */
    static OptionalDouble median(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x) && x >= 0).sorted().toArray();
        if (v.length == 0) {
            return OptionalDouble.empty();
        }
        int m = v.length / 2;
        return OptionalDouble.of(v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2);
    }

    /** The time a transfer of {@code bytes} takes at the loopback limit, in milliseconds. */
    double loopbackMs(long bytes) {
        return bytes / limits.loopbackBytesPerSecond() * 1000;
    }
}
