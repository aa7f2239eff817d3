package io.pagehint.api.vm;

import java.time.Duration;
import java.util.List;

/**
 * What a guest's self-check found.
 *
 * @param passed       true when every check held
 * @param pagesChecked pages whose state or content was checked
 * @param mismatches   how many problems were found
 * @param problems     the first problems, each naming the page frame number
 * @param took         how long the check ran
 * @param hintPagesHeld pages the guest's free-page-hint driver held (taken off its free lists to be
 *                      hinted) when the guest stopped: memory the guest gives back to its own
 *                      allocator when it runs again on the destination, as a guest whose device
 *                      says DONE does; 0 where the check cannot tell
 */
public record SelfCheckResult(boolean passed, long pagesChecked, long mismatches, List<String> problems, Duration took,
                              long hintPagesHeld) {

    public SelfCheckResult {
        problems = List.copyOf(problems);
        if (passed && mismatches != 0) {
            throw new IllegalArgumentException("a passed check has no mismatches");
        }
        if (hintPagesHeld < 0) {
            throw new IllegalArgumentException("hint pages held cannot be negative");
        }
    }

    /** A result that does not say what a hint driver held. */
    public SelfCheckResult(boolean passed, long pagesChecked, long mismatches, List<String> problems, Duration took) {
        this(passed, pagesChecked, mismatches, problems, took, 0);
    }

    /** Whether this result says no check ran, rather than that one ran and failed. */
    public boolean isNotChecked() {
        return !passed && mismatches == 0 && pagesChecked == 0;
    }

    /** No check could run (no verifier for this guest). */
    public static SelfCheckResult notChecked(String why) {
        return new SelfCheckResult(false, 0, 0, List.of("not checked: " + why), Duration.ZERO);
    }
}
