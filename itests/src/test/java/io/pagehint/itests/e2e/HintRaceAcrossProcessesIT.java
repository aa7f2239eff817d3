package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The regime in which QEMU 7.2 with a Linux 6.1 guest left a crashed destination in 7 of 15 hinted
 * migrations, with the real guest, real channels and real processes: a churning guest booted
 * init-on-alloc (taking a hinted block zeroes it), under memory pressure (its page cache grows
 * until the allocator reclaims, and the virtio driver's shrinker hands hinted blocks back before
 * DONE), with hinting slowed down ({@code --hint-pace-ms}) so that one request spans several
 * rounds and dirty-log harvests; a slow link and a zero downtime limit keep many rounds going.
 *
 * <p>With the engine's rules every migration arrives whole. With the rule "no hint after the
 * harvest" switched off in the source process (the engine's test-only switch), the same
 * migrations lose writes, and the destinations' self-checks say so: proof this test can fail.
 */
class HintRaceAcrossProcessesIT extends EndToEnd {

    private static final int PER_CHANNEL = 3;

    @Test
    void everyMigrationArrivesWhole() throws Exception {
        List<String> broken = race("whole", List.of());
        assertThat(broken).isEmpty();
    }

    @Test
    void withTheRuleSwitchedOffTheSameMigrationsLoseWrites() throws Exception {
        List<String> broken = race("unsafe", List.of("-Dpagehint.engine.test.applyStaleHints=true"));
        assertThat(broken).as("migrations whose destination found lost writes").isNotEmpty();
    }

    private static List<String> race(String name, List<String> sourceJvmArgs) throws Exception {
        List<String> broken = new ArrayList<>();
        for (String channel : List.of("serial", "virtio")) {
            for (int i = 0; i < PER_CHANNEL; i++) {
                String run = name + "-" + channel + "-" + i;
                Migrations.Outcome o = migrations.migrate(run, Migrations.SMALL_Q35, channel,
                        List.of("--workload", "churn", "--vcpus", "2", "--rate", "40000", "--seed", Integer.toString(11 + i),
                                "--init-on-alloc", "--hint-pace-ms", "4"),
                        List.of("--downtime", "0ms", "--max-rounds", "12", "--no-auto-converge", "--bandwidth", "48M"),
                        sourceJvmArgs);
                assertThat(o.source()).as(o.logs()).isNotNull();
                assertThat(o.source().get("rounds").getAsInt()).as(run + " ran several rounds").isGreaterThan(3);
                assertThat(o.source().getAsJsonObject("hints").get("requests").getAsLong()).as(run + " hinted").isPositive();
                if (!o.destinationCheckPassed()) {
                    broken.add(run + ": " + o.destination());
                }
            }
        }
        return broken;
    }
}
