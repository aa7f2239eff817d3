package io.pagehint.guest.kernel;

import io.pagehint.api.vm.SelfCheckResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link SelfCheck} found, with more detail than the API's {@link SelfCheckResult}.
 *
 * @param passed         no problem found
 * @param pagesChecked   RAM pages whose state was checked (all of them, when the boot block was good)
 * @param contentChecked pages whose content was read and compared
 * @param freePages      free pages found
 * @param hintPages      pages in blocks the hint driver held when the guest stopped: free memory the
 *                       guest gives back to its allocator when it is taken up ({@code guest --attach})
 * @param mismatches     problems found
 * @param problems       the first {@link SelfCheck#MAX_PROBLEMS} problems, each naming its PFN where it has one
 * @param took           how long the check ran
 */
public record SelfCheckReport(boolean passed, long pagesChecked, long contentChecked, long freePages, long hintPages, long mismatches,
                              List<String> problems, Duration took) {

    public SelfCheckReport {
        problems = List.copyOf(problems);
    }

    public SelfCheckResult toResult() {
        return new SelfCheckResult(passed, pagesChecked, mismatches, problems, took, hintPages);
    }

    /** The human form: a summary line, then one line per problem. */
    public void print(PrintStream out) {
        out.printf("self-check %s: %d pages checked, %d by content, %d free, %d held by the hint driver, %d mismatches, %d ms%n",
                passed ? "passed" : "FAILED", pagesChecked, contentChecked, freePages, hintPages, mismatches, took.toMillis());
        for (String p : problems) {
            out.println("  " + p);
        }
        if (mismatches > problems.size()) {
            out.println("  ... and " + (mismatches - problems.size()) + " more");
        }
    }

    /** The machine form: one JSON object. */
    public String toJson() {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"passed\":").append(passed)
                .append(",\"pagesChecked\":").append(pagesChecked)
                .append(",\"contentChecked\":").append(contentChecked)
                .append(",\"freePages\":").append(freePages)
                .append(",\"hintPages\":").append(hintPages)
                .append(",\"mismatches\":").append(mismatches)
                .append(",\"tookMillis\":").append(took.toMillis())
                .append(",\"problems\":[");
        for (int i = 0; i < problems.size(); i++) {
            b.append(i == 0 ? "" : ",").append('"');
            for (char c : problems.get(i).toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }
        return b.append("]}").toString();
    }
}
