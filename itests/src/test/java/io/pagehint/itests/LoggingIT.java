package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntFunction;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * A pagehint bundle's slf4j 2 line reaches slf4j-simple inside the framework (through SPI Fly),
 * not slf4j's silent no-op fallback. The build points slf4j-simple at a file
 * ({@code org.slf4j.simpleLogger.logFile}) and turns on debug for {@code io.pagehint}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LoggingIT extends InFramework {

    @Inject
    @Filter("(pagehint.main=true)")
    ToIntFunction<String[]> pagehint;

    @Test
    public void theCommandLineBundleLogsEachCommandLineItRuns() throws Exception {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        assertThat(log.getFileName()).as("this class's own log, which the next class does not overwrite")
                .hasToString("framework-log-LoggingIT.txt");
        // a wait no other run uses, so the line can only come from this one
        String wait = (1000 + ThreadLocalRandom.current().nextInt(1_000_000)) + "ms";

        assertThat(pagehint.applyAsInt(new String[] {"--wait", wait, "--help"})).isZero();

        String expected = "DEBUG io.pagehint.runtime.cli.PagehintCli - command line: pagehint --wait " + wait + " --help";
        Conditions.await(Duration.ofSeconds(10), "the log line in " + log,
                () -> read(log).contains(expected), () -> read(log));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no file)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
