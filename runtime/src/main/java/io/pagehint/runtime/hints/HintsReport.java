package io.pagehint.runtime.hints;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.runtime.format.ByteSizes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one {@code pagehint hints} run found: the guest's memory info (section 7a, when the
 * channel has it), how long the free-page bitmap took to arrive (7b), and how many pages it hinted free.
 *
 * @param vmId        the guest's id
 * @param transport   the hint source's transport
 * @param memInfo     the guest's memory info, empty if the channel cannot tell
 * @param pagePoison  the byte the guest's free pages hold, if any
 * @param status      how the request ended
 * @param detail      why, when it did not end READY
 * @param firstChunk  request to first chunk, or null if none came
 * @param ready       request to its end, or null if it did not end
 * @param pages       pages hinted free
 * @param pageSize    the guest's page size
 * @param staleMessages messages the channel dropped during the run because they answered a request
 *                    that had ended (PROTOCOL.md A.4): the guest answered late
 */
public record HintsReport(String vmId, String transport, Optional<GuestMemInfo> memInfo, OptionalInt pagePoison, HintStatus status,
                          String detail, Duration firstChunk, Duration ready, long pages, int pageSize,
                          long staleMessages) {

    /** Hinted pages as a share of the free pages the guest reports, when it reports them. */
    public Optional<Double> coverage() {
        return memInfo.filter(i -> i.freePages() > 0).map(i -> 100.0 * pages / i.freePages());
    }

    public void printText(PrintWriter out) {
        out.printf("guest %s over %s%n", vmId, transport);
        out.printf("memory info:   %s%n", memInfo.map(i -> String.format(Locale.ROOT,
                "%d free pages (%s), %d cached, max PFN 0x%x, %d-byte pages", i.freePages(), ByteSizes.format(i.freePages() * i.pageSize()),
                i.cachedPages(), i.maxPfn(), i.pageSize())).orElse("not available on this channel"));
        out.printf("page poison:   %s%n", pagePoison.isPresent() ? String.format("0x%02x", pagePoison.getAsInt()) : "none");
        out.printf("bitmap:        %s%s%s%n", status, ready == null ? "" : " after " + millis(ready),
                firstChunk == null ? "" : " (first chunk after " + millis(firstChunk) + ")");
        if (!detail.isEmpty()) {
            out.printf("               %s%n", detail);
        }
        out.printf("hinted free:   %d pages (%s)%s%n", pages, ByteSizes.format(pages * pageSize),
                coverage().map(c -> String.format(Locale.ROOT, ", %.1f%% of the guest's free pages", c)).orElse(""));
        out.printf("stale dropped: %d messages (late answers to requests that had ended)%n", staleMessages);
        out.flush();
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("vmId", vmId);
        o.addProperty("transport", transport);
        o.add("memInfo", memInfo.<com.google.gson.JsonElement>map(i -> {
            JsonObject m = new JsonObject();
            m.addProperty("freePages", i.freePages());
            m.addProperty("cachedPages", i.cachedPages());
            m.addProperty("maxPfn", i.maxPfn());
            m.addProperty("pageSize", i.pageSize());
            return m;
        }).orElse(JsonNull.INSTANCE));
        if (pagePoison.isPresent()) {
            o.addProperty("pagePoison", pagePoison.getAsInt());
        } else {
            o.add("pagePoison", JsonNull.INSTANCE);
        }
        o.addProperty("status", status.name());
        o.addProperty("detail", detail);
        addMillis(o, "firstChunkMs", firstChunk);
        addMillis(o, "readyMs", ready);
        o.addProperty("pagesHinted", pages);
        o.addProperty("bytesHinted", pages * pageSize);
        o.addProperty("staleMessagesDropped", staleMessages);
        coverage().ifPresentOrElse(c -> o.addProperty("coveragePercent", c), () -> o.add("coveragePercent", JsonNull.INSTANCE));
        return o;
    }

    private static void addMillis(JsonObject o, String name, Duration d) {
        if (d == null) {
            o.add(name, JsonNull.INSTANCE);
        } else {
            o.addProperty(name, d.toNanos() / 1e6);
        }
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }
}
