package io.pagehint.runtime.migration;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.RoundReport;
import io.pagehint.api.vm.SelfCheckResult;
import java.time.Duration;

/** A migration report as JSON for scripts and controllers: times in milliseconds, sizes in bytes. */
public final class ReportJson {

    private ReportJson() {
    }

    public static JsonObject of(MigrationReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("migrationId", r.migrationId());
        o.addProperty("role", r.role().name().toLowerCase());
        o.addProperty("outcome", r.outcome().name().toLowerCase());
        o.addProperty("succeeded", r.succeeded());
        o.addProperty("failure", r.failure());
        o.add("totalMs", ms(r.totalTime()));
        o.add("setupMs", ms(r.setupTime()));
        o.add("downtimeMs", ms(r.downtime()));
        o.addProperty("rounds", r.rounds());
        o.addProperty("bytesOnWire", r.bytesOnWire());
        o.addProperty("pagesSent", r.pagesSent());
        o.addProperty("zeroPages", r.zeroPages());
        o.addProperty("pagesSkippedByHints", r.pagesSkippedByHints());
        o.add("hints", hints(r.hints()));
        o.add("selfCheck", selfCheck(r.selfCheck()));
        JsonArray rounds = new JsonArray();
        for (RoundReport rr : r.roundReports()) {
            JsonObject x = new JsonObject();
            x.addProperty("round", rr.round());
            x.add("timeMs", ms(rr.time()));
            x.addProperty("pagesSent", rr.pagesSent());
            x.addProperty("zeroPages", rr.zeroPages());
            x.addProperty("bytesOnWire", rr.bytesOnWire());
            x.addProperty("pagesSkippedByHints", rr.pagesSkippedByHints());
            x.addProperty("dirtyPages", rr.dirtyPages());
            rounds.add(x);
        }
        o.add("roundReports", rounds);
        return o;
    }

    private static JsonObject hints(HintReport h) {
        JsonObject o = new JsonObject();
        o.addProperty("transport", h.transport());
        o.addProperty("note", h.note());
        o.addProperty("requests", h.requests());
        o.addProperty("chunksApplied", h.chunksApplied());
        o.addProperty("chunksDropped", h.chunksDropped());
        // each request's guest reports its free pages again: this is the sum over "requests", not a count of distinct pages
        o.addProperty("pagesHintedFreeAllRequests", h.pagesHintedFree());
        o.addProperty("holeBits", h.holeBits());
        o.addProperty("staleMessagesDropped", h.staleMessagesDropped());
        o.add("firstHintMs", ms(h.firstHintLatency()));
        o.add("readyMs", ms(h.readyLatency()));
        return o;
    }

    private static com.google.gson.JsonElement selfCheck(SelfCheckResult s) {
        if (s == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("ran", !s.isNotChecked());
        o.addProperty("passed", s.passed());
        o.addProperty("pagesChecked", s.pagesChecked());
        o.addProperty("mismatches", s.mismatches());
        o.addProperty("hintPagesHeld", s.hintPagesHeld());
        JsonArray p = new JsonArray();
        s.problems().forEach(p::add);
        o.add("problems", p);
        o.add("tookMs", ms(s.took()));
        return o;
    }

    private static com.google.gson.JsonElement ms(Duration d) {
        return d == null ? JsonNull.INSTANCE : new JsonPrimitive(d.toNanos() / 1e6);
    }
}
