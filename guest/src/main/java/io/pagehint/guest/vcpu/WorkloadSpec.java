package io.pagehint.guest.vcpu;

import java.util.Locale;

/**
 * Which workload the vCPUs run and its one knob.
 *
 * @param kind         the workload
 * @param opsPerSecond churn: operations a second for the whole guest (0: as fast as it can)
 * @param mbPerSecond  hog: MiB written a second for the whole guest (0: as fast as it can)
 * @param bytes        used-then-freed and page-cache: how much memory to fill; churn: how much memory
 *                     earlier jobs used and freed before the churn starts (0: none, a fresh guest)
 */
public record WorkloadSpec(Kind kind, double opsPerSecond, double mbPerSecond, long bytes) {

    /** The workloads, as the command line names them. */
    public enum Kind {
        /** A few writes a second (a timer tick and a log line). */
        IDLE("idle"),
        /** A kernel-compile-like mix: anonymous memory allocated, written, freed; source read through the page cache, objects written. */
        CHURN("churn"),
        /** Rewrites a working set at a fixed rate, to test convergence. */
        HOG("hog"),
        /** Fills memory with random data, frees it all, then idles: the free pages hold stale data. */
        USED_THEN_FREED("used-then-freed"),
        /** Reads files until the clean page cache holds the given size, then idles. */
        PAGE_CACHE("page-cache");

        private final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown workload " + name + "; one of idle, churn, hog, used-then-freed, page-cache");
        }
    }

    public WorkloadSpec {
        if (kind == null || opsPerSecond < 0 || mbPerSecond < 0 || bytes < 0) {
            throw new IllegalArgumentException("bad workload: " + kind + " " + opsPerSecond + " ops/s " + mbPerSecond
                    + " MiB/s " + bytes + " bytes");
        }
    }

    public static WorkloadSpec idle() {
        return new WorkloadSpec(Kind.IDLE, 0, 0, 0);
    }

    /** A new workload instance for vCPU {@code cpu} of {@code vcpus}. */
    Workload create(int cpu, int vcpus) {
        return switch (kind) {
            case IDLE -> new Idle();
            case CHURN -> bytes == 0 ? new Churn(opsPerSecond / vcpus)
                    : new AfterUsedThenFreed(new UsedThenFreed(bytes / vcpus, 0), new Churn(opsPerSecond / vcpus));
            case HOG -> new Hog(mbPerSecond / vcpus);
            case USED_THEN_FREED -> new UsedThenFreed(bytes / vcpus, opsPerSecond / vcpus);
            case PAGE_CACHE -> new PageCacheFill(bytes / vcpus);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CHURN -> "churn:" + (opsPerSecond == 0 ? "unlimited" : Math.round(opsPerSecond) + "ops/s")
                    + (bytes == 0 ? "" : ",after:" + (bytes >> 20) + "MiB");
            case HOG -> "hog:" + (mbPerSecond == 0 ? "unlimited" : Math.round(mbPerSecond) + "MiB/s");
            case USED_THEN_FREED, PAGE_CACHE -> kind.cliName + ":" + (bytes >> 20) + "MiB";
            default -> kind.cliName;
        };
    }
}
