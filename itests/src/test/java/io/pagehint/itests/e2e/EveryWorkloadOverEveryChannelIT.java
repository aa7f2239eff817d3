package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every workload of the reference guest migrates across real processes with each hint channel and
 * with none, and the destination's self-check passes every time.
 */
class EveryWorkloadOverEveryChannelIT extends EndToEnd {

    static Stream<Arguments> workloadsAndChannels() {
        List<Arguments> all = new ArrayList<>();
        for (String workload : List.of("idle", "churn", "hog", "used-then-freed", "page-cache")) {
            for (String channel : List.of("none", "serial", "virtio")) {
                all.add(Arguments.of(workload, channel));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("workloadsAndChannels")
    void theGuestArrivesWhole(String workload, String channel) throws Exception {
        List<String> guestArgs = new ArrayList<>(List.of("--workload", workload, "--vcpus", "2", "--seed", "7"));
        switch (workload) {
            case "used-then-freed", "page-cache" -> guestArgs.addAll(List.of("--size", "96M"));
            case "churn" -> guestArgs.addAll(List.of("--rate", "20000", "--size", "48M")); // after a used-and-freed history
            case "hog" -> guestArgs.addAll(List.of("--mb-per-s", "32"));
            default -> { }
        }
        Migrations.Outcome o = migrations.migrate(workload + "-" + channel, Migrations.SMALL_Q35, channel, guestArgs,
                List.of(), List.of());

        assertThat(o.sourceExit()).as(o.logs()).isZero();
        assertThat(o.destinationExit()).as(o.logs()).isZero();
        assertThat(o.destinationCheckPassed()).as(String.valueOf(o.destination())).isTrue();
        assertThat(o.source().getAsJsonObject("hints").get("transport").getAsString())
                .isEqualTo(switch (channel) {
                    case "serial" -> "virtio-serial";
                    case "virtio" -> "virtio-balloon";
                    default -> "none";
                });
        if (workload.equals("used-then-freed") && !channel.equals("none")) {
            assertThat(o.skippedByHints()).as("a guest that freed most of its memory hints it").isGreaterThan(10_000);
        }
    }
}
