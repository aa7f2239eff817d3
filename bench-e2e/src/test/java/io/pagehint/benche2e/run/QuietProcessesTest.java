package io.pagehint.benche2e.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * When the benchmark counts fresh processes as quiet. The decision is checked against CPU clocks
 * the test scripts (how much CPU a real process gets in a window depends on the machine's load: at a
 * load of 23 on 2 cores a real spinner looked quiet); that the clock is read from real processes is
 * checked apart, with no threshold.
 */
class QuietProcessesTest {

    private static final long SLEEPER = 1;
    private static final long SPINNER = 2;

    /** Each read of a pid's clock: the sleeper's never moves, the spinner's moves a tenth of a second. */
    private static final class ScriptedClocks {
        final Map<Long, Double> cpu = new ConcurrentHashMap<>(Map.of(SLEEPER, 3.0, SPINNER, 3.0));

        double read(long pid) {
            return pid == SPINNER ? cpu.merge(pid, 0.1, Double::sum) : cpu.get(pid);
        }
    }

    @Test
    void aProcessThatUsesNoCpuForAWindowIsQuiet() throws Exception {
        Duration waited = QuietProcesses.await(Duration.ofMinutes(1), new ScriptedClocks()::read, SLEEPER);
        assertThat(waited).as("quiet before the limit (a positive wait)").isPositive();
    }

    @Test
    void oneBusyProcessKeepsItWaitingToTheLimit() throws Exception {
        Duration waited = QuietProcesses.await(Duration.ofMillis(600), new ScriptedClocks()::read, SLEEPER, SPINNER);
        assertThat(waited).as("still busy at the limit (a negative wait)").isNegative();
    }

    @Test
    void aProcessWhoseClockCannotBeReadDoesNotHoldItUp() throws Exception {
        Duration waited = QuietProcesses.await(Duration.ofMinutes(1), pid -> -1, 424242);
        assertThat(waited).isPositive();
    }

    @Test
    void theClockOfARealProcessIsRead() throws Exception {
        assertThat(ProcStats.cpuSeconds(ProcessHandle.current().pid())).as("this JVM has used CPU").isPositive();
        Process sleeping = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(ProcStats.cpuSeconds(sleeping.pid())).as("a child's clock is readable").isGreaterThanOrEqualTo(0);
        } finally {
            sleeping.destroyForcibly();
        }
        assertThat(ProcStats.cpuSeconds(Long.MAX_VALUE)).as("no such process").isNegative();
    }
}
