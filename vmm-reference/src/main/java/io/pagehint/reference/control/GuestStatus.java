package io.pagehint.reference.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code STATUS} answers: the guest's state, its workload's counters and its memory. On the
 * wire, space-separated {@code key=value} pairs in this order (values have no spaces; lists are
 * comma-separated); a reader ignores keys it does not know.
 *
 * @param state         RUNNING or PAUSED
 * @param vcpus         vCPU threads
 * @param workload      the workload as given on the command line
 * @param phases        each vCPU's workload and phase
 * @param operations    operations run by all vCPUs since boot
 * @param opsPerSecond  operations a second since boot: the workload's throughput
 * @param bytesWritten  bytes the workloads wrote
 * @param throttle      throttle percentage
 * @param freePages     pages on the free lists
 * @param cachedPages   pages in the page cache
 * @param dirtyPages    dirty page-cache pages
 * @param anonPages     anonymous pages
 * @param hintPages     pages held by the free-page-hint driver
 * @param pageSize      bytes per page
 * @param maxPfn        highest RAM page frame number
 * @param poisonErrors  allocations that found a free page's poison changed
 * @param allocFailures allocations that failed after reclaim
 * @param vcpuFailures  vCPUs that stopped on an error
 */
public record GuestStatus(String state, int vcpus, String workload, List<String> phases, long operations,
                          double opsPerSecond, long bytesWritten, int throttle, long freePages, long cachedPages,
                          long dirtyPages, long anonPages, long hintPages, int pageSize, long maxPfn,
                          long poisonErrors, long allocFailures, long vcpuFailures) {

    public GuestStatus {
        phases = List.copyOf(phases);
    }

    /** The wire form (without the leading "OK "). */
    public String toWire() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state);
        m.put("vcpus", vcpus);
        m.put("workload", workload.replace(' ', '_'));
        m.put("phases", String.join(",", phases).replace(' ', '_'));
        m.put("ops", operations);
        m.put("ops_per_s", String.format(java.util.Locale.ROOT, "%.1f", opsPerSecond));
        m.put("bytes_written", bytesWritten);
        m.put("throttle", throttle);
        m.put("free_pages", freePages);
        m.put("cached_pages", cachedPages);
        m.put("dirty_pages", dirtyPages);
        m.put("anon_pages", anonPages);
        m.put("hint_pages", hintPages);
        m.put("page_size", pageSize);
        m.put("max_pfn", maxPfn);
        m.put("poison_errors", poisonErrors);
        m.put("alloc_failures", allocFailures);
        m.put("vcpu_failures", vcpuFailures);
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    /** Parses the wire form. */
    public static GuestStatus fromWire(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : line.trim().split(" +")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        try {
            return new GuestStatus(m.getOrDefault("state", "UNKNOWN"), Integer.parseInt(m.getOrDefault("vcpus", "0")),
                    m.getOrDefault("workload", ""), m.getOrDefault("phases", "").isEmpty() ? List.of()
                    : List.of(m.get("phases").split(",")), num(m, "ops"), Double.parseDouble(m.getOrDefault("ops_per_s", "0")),
                    num(m, "bytes_written"), (int) num(m, "throttle"), num(m, "free_pages"), num(m, "cached_pages"),
                    num(m, "dirty_pages"), num(m, "anon_pages"), num(m, "hint_pages"), (int) num(m, "page_size"),
                    num(m, "max_pfn"), num(m, "poison_errors"), num(m, "alloc_failures"), num(m, "vcpu_failures"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a guest status: " + line, e);
        }
    }

    private static long num(Map<String, String> m, String key) {
        return Long.parseLong(m.getOrDefault(key, "0"));
    }
}
