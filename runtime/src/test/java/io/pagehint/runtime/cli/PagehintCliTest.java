package io.pagehint.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The command line's parsing and help, without a framework (in-framework runs are in the itests). */
class PagehintCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return PagehintCli.run(null, new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void helpListsEverySubcommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: pagehint").contains("info").contains("layout").contains("shell");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(PagehintCli.EXIT_USAGE);
        assertThat(err.toString()).contains("say which command to run");
    }

    @Test
    void aSizeThatIsNotOneIsAUsageErrorNamingTheOption() {
        assertThat(run("layout", "--machine", "q35", "--ram", "lots")).isEqualTo(PagehintCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--ram").contains("'lots' is not a size");
    }

    @Test
    void theWaitOptionIsAcceptedBeforeAndAfterTheSubcommand() {
        assertThat(run("--wait", "2s", "layout", "--help")).isZero();
        assertThat(run("layout", "--wait", "2s", "--help")).isZero();
        assertThat(run("layout", "--wait", "2", "--help")).isEqualTo(PagehintCli.EXIT_USAGE);
    }

    @Test
    void theShellAndHelpAreNoGogoCommands() {
        assertThat(PagehintCli.sessionCommands()).contains("info", "layout").doesNotContain("shell", "help");
    }
}
