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
 * @param mismatches     problems found
 * @param problems       the first {@link SelfCheck#MAX_PROBLEMS} problems, each naming its PFN where it has one
 * @param took           how long the check ran
 */
public record SelfCheckReport(boolean passed, long pagesChecked, long contentChecked, long freePages, long mismatches,
                              List<String> problems, Duration took) {

    public SelfCheckReport {
        problems = List.copyOf(problems);
    }

    public SelfCheckResult toResult() {
        return new SelfCheckResult(passed, pagesChecked, mismatches, problems, took);
    }

    /** The human form: a summary line, then one line per problem. */
    public void print(PrintStream out) {
        out.printf("self-check %s: %d pages checked, %d by content, %d free, %d mismatches, %d ms%n",
                passed ? "passed" : "FAILED", pagesChecked, contentChecked, freePages, mismatches, took.toMillis());
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
