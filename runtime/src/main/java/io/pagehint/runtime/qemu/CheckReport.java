package io.pagehint.runtime.qemu;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU guest's hint report with the RAM check: the hints report's lines, then the stop over
 * QMP, the tightening, the hinted pages read from the RAM file, and for a guest pagehint booted
 * itself its boot time, init_on_free and the agent's walk line.
 */
public final class CheckReport {

    /** The agent's console line after each walk (guest-linux/README.md), to its end (newer agents add fields). */
    public static final Pattern WALK = Pattern.compile("pagehint-agent: walk pages=(\\d+) blocks=(\\d+) walk_us=(\\d+) max_lock_us=(\\d+).*");

    private final HintCheck.Result result;
    private final String machine;
    private Duration boot;
    private Boolean initOnFree;
    private String walkLine;

    public CheckReport(HintCheck.Result result, String machine) {
        this.result = result;
        this.machine = machine;
    }

    /** For a guest this runtime booted: how long until its agent said ready, and init_on_free. */
    public CheckReport booted(Duration boot, boolean initOnFree) {
        this.boot = boot;
        this.initOnFree = initOnFree;
        return this;
    }

    public CheckReport walk(String line) {
        this.walkLine = line;
        return this;
    }

    public HintCheck.Result result() {
        return result;
    }

    public void printText(PrintWriter out) {
        if (boot != null) {
            out.printf(Locale.ROOT, "booted:        agent ready %.1f s after QEMU started (init_on_free=%d)%n", boot.toMillis() / 1000.0,
                    initOnFree ? 1 : 0);
        }
        result.hints().printText(out);
        if (result.stopped()) {
            out.printf(Locale.ROOT, "stopped:       over QMP at READY (stop took %.2f ms)%n", result.stopTook().toNanos() / 1e6);
            out.printf("tightened:     %d pages in RAM by the %s layout, %d outside RAM%n", result.tightPages(), machine, result.holeBits());
            out.printf("RAM check:     %d hinted pages read from the RAM file, %d non-zero%s%n", result.pagesRead(), result.nonZeroPages(),
                    Boolean.TRUE.equals(initOnFree) ? (result.nonZeroPages() == 0 ? " (init_on_free=1: as it must be)"
                            : " (init_on_free=1: a hinted page was in use)") : "");
        }
        if (result.stopped()) {
            long free = result.hints().memInfo().map(i -> i.freePages()).orElse(0L);
            out.printf(Locale.ROOT, "4 MiB blocks:  %d hinted pages lie in whole aligned 4 MiB blocks%s: all Linux's virtio-balloon hinting would report (computed)%n",
                    result.wholeBlockPages(), free > 0 ? String.format(Locale.ROOT, " (%.1f%% of MemFree)", 100.0 * result.wholeBlockPages() / free) : "");
        }
        if (walkLine != null) {
            out.printf("guest walk:    %s%n", walkLine);
        }
        out.flush();
    }

    public JsonObject toJson() {
        JsonObject o = result.hints().toJson();
        o.addProperty("stopped", result.stopped());
        if (result.stopTook() != null) {
            o.addProperty("stopMs", result.stopTook().toNanos() / 1e6);
        }
        o.addProperty("tightenedPages", result.tightPages());
        o.addProperty("pagesOutsideRam", result.holeBits());
        o.addProperty("pagesRead", result.pagesRead());
        o.addProperty("nonZeroPages", result.nonZeroPages());
        o.addProperty("wholeBlockPages", result.wholeBlockPages());
        if (boot != null) {
            o.addProperty("bootMs", boot.toMillis());
            o.addProperty("initOnFree", initOnFree);
        }
        Optional<Matcher> walk = Optional.ofNullable(walkLine).map(WALK::matcher).filter(Matcher::find);
        if (walk.isPresent()) {
            JsonObject w = new JsonObject();
            w.addProperty("pages", Long.parseLong(walk.get().group(1)));
            w.addProperty("blocks", Long.parseLong(walk.get().group(2)));
            w.addProperty("walkUs", Long.parseLong(walk.get().group(3)));
            w.addProperty("maxLockUs", Long.parseLong(walk.get().group(4)));
            // optional fields of newer agents: per-CPU list pages, pages in order-10 (4 MiB) blocks
            for (String field : new String[] {"pcp", "order10_pages"}) {
                Matcher f = Pattern.compile("\\b" + field + "=(\\d+)").matcher(walkLine);
                if (f.find()) {
                    w.addProperty(field.equals("pcp") ? "pcpPages" : "order10Pages", Long.parseLong(f.group(1)));
                }
            }
            o.add("walk", w);
        } else {
            o.add("walk", JsonNull.INSTANCE);
        }
        return o;
    }
}
