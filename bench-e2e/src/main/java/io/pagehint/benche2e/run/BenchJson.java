package io.pagehint.benche2e.run;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The results for scripts: the settings, the machine, the physical limits, per cell the medians
 * and pair ratios, the targets, and every run with all it measured. Times in milliseconds (CPU in
 * seconds), sizes in bytes, rates in bytes a second; what was not measured is null.
 */
final class BenchJson {

    private BenchJson() {
    }

    static JsonObject of(Results results, MachineInfo machine, List<Targets.Target> targets) {
        BenchSettings s = results.settings();
        JsonObject o = new JsonObject();
        JsonObject settings = new JsonObject();
        settings.addProperty("arch", s.machine().arch());
        settings.addProperty("machine", s.machine().machine());
        settings.addProperty("ramBytes", s.machine().ramBytes());
        JsonObject options = new JsonObject();
        s.machine().options().forEach(options::addProperty);
        settings.add("machineOptions", options);
        settings.add("scenarios", strings(s.scenarios().stream().map(Scenario::cliName).toList()));
        settings.add("channels", strings(s.channels()));
        settings.addProperty("initOnAllocToo", s.initOnAllocToo());
        settings.addProperty("repeat", s.repeat());
        settings.addProperty("vcpus", s.vcpus());
        settings.addProperty("seed", s.seed());
        settings.addProperty("churnRate", s.churnRate());
        JsonArray transports = new JsonArray();
        for (Transport t : s.transports()) {
            JsonObject to = new JsonObject();
            to.addProperty("tls", t.tls());
            to.addProperty("streams", t.streams());
            transports.add(to);
        }
        settings.add("transports", transports);
        o.add("settings", settings);

        JsonObject m = new JsonObject();
        m.addProperty("cpu", machine.cpu());
        m.addProperty("cores", machine.cores());
        m.addProperty("memoryBytes", machine.memoryBytes());
        m.addProperty("kernel", machine.kernel());
        m.addProperty("java", machine.java());
        m.addProperty("loadAverageBefore", machine.loadBefore());
        m.addProperty("loadAverageAfter", machine.loadAfter());
        o.add("machine", m);

        JsonObject limits = new JsonObject();
        limits.addProperty("loopbackBytesPerSecond", results.limits().loopbackBytesPerSecond());
        limits.addProperty("zeroScanBytesPerSecond", results.limits().zeroScanBytesPerSecond());
        limits.addProperty("freshMemoryBytesPerSecond", results.limits().freshMemoryBytesPerSecond());
        JsonObject pipeline = new JsonObject();
        results.limits().pipelineBytesPerSecond().forEach((n, v) -> pipeline.addProperty(Integer.toString(n), v));
        limits.add("pipelineBytesPerSecondByStreams", pipeline);
        o.add("limits", limits);

        JsonArray cells = new JsonArray();
        for (Cell c : s.cells()) {
            JsonObject cell = cellId(c);
            for (Variant v : c.scenario().variants()) {
                JsonObject variant = new JsonObject();
                List<RunRecord> runs = results.runs(c, v);
                variant.addProperty("runs", runs.size());
                variant.addProperty("succeeded", runs.stream().filter(RunRecord::succeeded).count());
                JsonObject medians = new JsonObject();
                JsonObject ratios = new JsonObject();
                for (Metric metric : Metric.values()) {
                    medians.add(metric.jsonName(), number(results.median(c, v, metric)));
                    if (v != Variant.LEGACY) {
                        ratios.add(metric.jsonName(), number(results.pairRatio(c, v, metric)));
                    }
                }
                variant.add("medians", medians);
                if (v != Variant.LEGACY) {
                    variant.add("ratiosToLegacy", ratios);
                }
                cell.add(v.label(), variant);
            }
            cells.add(cell);
        }
        o.add("cells", cells);

        JsonArray t = new JsonArray();
        for (Targets.Target target : targets) {
            JsonObject x = new JsonObject();
            x.addProperty("name", target.name());
            x.addProperty("limit", target.limit());
            x.addProperty("measured", target.measured());
            x.add("met", target.met() == null ? JsonNull.INSTANCE : new JsonPrimitive(target.met()));
            t.add(x);
        }
        o.add("targets", t);

        JsonArray runs = new JsonArray();
        results.runs().forEach(r -> runs.add(run(r)));
        o.add("runs", runs);
        return o;
    }

    private static JsonObject cellId(Cell c) {
        JsonObject o = new JsonObject();
        o.addProperty("label", c.label());
        o.addProperty("scenario", c.scenario().cliName());
        o.addProperty("channel", c.channelName());
        o.addProperty("initOnAlloc", c.initOnAlloc());
        o.addProperty("tls", c.transport().tls());
        o.addProperty("streams", c.transport().streams());
        return o;
    }

    static JsonObject run(RunRecord r) {
        JsonObject o = cellId(r.cell());
        o.addProperty("variant", r.variant().label());
        o.addProperty("repetition", r.repetition());
        o.addProperty("succeeded", r.succeeded());
        o.addProperty("failure", r.failure());
        o.addProperty("totalMs", r.totalMs());
        o.addProperty("migrationMs", r.migrationMs());
        o.addProperty("selfCheckMs", r.selfCheckMs());
        o.addProperty("setupMs", r.setupMs());
        o.addProperty("downtimeMs", r.downtimeMs());
        o.addProperty("rounds", r.rounds());
        o.addProperty("bytesOnWire", r.bytesOnWire());
        o.addProperty("pagesSent", r.pagesSent());
        o.addProperty("zeroPages", r.zeroPages());
        o.addProperty("pagesSkippedByHints", r.pagesSkippedByHints());
        o.addProperty("pagesHintedFree", r.pagesHintedFree());
        o.add("firstHintMs", r.firstHintMs() == null ? JsonNull.INSTANCE : new JsonPrimitive(r.firstHintMs()));
        o.add("hintReadyMs", r.hintReadyMs() == null ? JsonNull.INSTANCE : new JsonPrimitive(r.hintReadyMs()));
        o.addProperty("hintTransport", r.hintTransport());
        o.addProperty("hintNote", r.hintNote());
        o.addProperty("sourceCpuSeconds", r.sourceCpuSeconds());
        o.addProperty("destinationCpuSeconds", r.destinationCpuSeconds());
        o.addProperty("destinationPeakRss", r.destinationPeakRss());
        o.addProperty("destinationBaseRss", r.destinationBaseRss());
        o.addProperty("destinationRamBytes", r.destinationRamBytes());
        o.addProperty("guestUsedBytes", r.guestUsedBytes());
        o.addProperty("guestRamBytes", r.guestRamBytes());
        o.addProperty("guestOpsPerSecond", r.guestOpsPerSecond());
        o.addProperty("sendingBytesPerSecond", r.sendingBytesPerSecond());
        o.addProperty("selfCheckPassed", r.selfCheckPassed());
        o.addProperty("selfCheckMismatches", r.selfCheckMismatches());
        JsonArray rounds = new JsonArray();
        for (int i = 0; i < r.roundBytes().size(); i++) {
            JsonObject x = new JsonObject();
            x.addProperty("round", i + 1);
            x.addProperty("bytesOnWire", r.roundBytes().get(i));
            x.addProperty("timeMs", r.roundMs().get(i));
            rounds.add(x);
        }
        o.add("roundDetails", rounds);
        return o;
    }

    private static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static com.google.gson.JsonElement number(OptionalDouble v) {
        return v.isPresent() ? new JsonPrimitive(v.getAsDouble()) : JsonNull.INSTANCE;
    }
}
