package io.pagehint.benche2e.run;

import java.util.ArrayList;
import java.util.List;

/**
 * A guest state the benchmark migrates, after the published experiments (shared reference,
 * section 8 of the fact sheet): what the guest runs, and which migrations are compared on it.
 */
public enum Scenario {

    /** Just booted, the rest of RAM never touched: Wei Wang's and Liang Li's idle 8 GB guest. */
    IDLE("idle", true),
    /** A memory-hungry job filled three quarters of RAM and exited: free but dirty (Liang Li's second experiment). */
    USED_THEN_FREED("used-then-freed", true),
    /**
     * A kernel-compile-like load runs during the migration (Wei Wang's make -j4), on a guest whose
     * earlier jobs used and freed half its RAM: a build host's free memory is dirty.
     */
    CHURN("churn", true),
    /** Three quarters of RAM in clean page cache, hinted with and without dropping it (section 6 of the note). */
    PAGE_CACHE("page-cache", false);

    private final String cliName;
    private final boolean expectsSkips;

    Scenario(String cliName, boolean expectsSkips) {
        this.cliName = cliName;
        this.expectsSkips = expectsSkips;
    }

    public String cliName() {
        return cliName;
    }

    /**
     * Whether a hinted migration must skip pages in this scenario even without dropping caches:
     * the guest has free memory. A guest whose RAM is all page cache has little until it drops it.
     */
    public boolean expectsSkips() {
        return expectsSkips;
    }

    /** The migrations compared on this scenario, in the order each repetition runs them. */
    public List<Variant> variants() {
        return this == PAGE_CACHE ? List.of(Variant.LEGACY, Variant.HINTED, Variant.HINTED_DROP_CACHE)
                : List.of(Variant.LEGACY, Variant.HINTED);
    }

    /** The {@code pagehint guest} options that put a guest of {@code ramBytes} in this state. */
    public List<String> guestArgs(long ramBytes, int churnRate) {
        List<String> args = new ArrayList<>(List.of("--workload", cliName));
        switch (this) {
            case USED_THEN_FREED, PAGE_CACHE -> args.addAll(List.of("--size", Long.toString(ramBytes / 4 * 3)));
            case CHURN -> args.addAll(List.of("--rate", Integer.toString(churnRate), "--size", Long.toString(ramBytes / 2)));
            case IDLE -> { }
        }
        return args;
    }

    public static Scenario of(String cliName) {
        for (Scenario s : values()) {
            if (s.cliName.equals(cliName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no scenario called " + cliName + " (idle, used-then-freed, churn, page-cache)");
    }
}
