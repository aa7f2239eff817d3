package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A guest that dirties memory faster than the link carries it: auto-converge, the round limit, and cancel. */
class ConvergenceTest {

    private final MigrationHarness harness = new MigrationHarness();

    /** A 4 MiB guest whose vCPUs rewrite most of it every round: far faster than the link. */
    private static ToyGuest hog(String id) {
        return new ToyGuest(id, ToyLayouts.pc(4L << 20, 0, 4096, 0), new ToyGuest.Behaviour(2, 200, 0.5, null, 21));
    }

    /** 16 MiB/s: a round of the whole guest takes a quarter second, far over a 5 ms downtime limit. */
    private static MigrationOptions slowLink(boolean autoConverge) {
        return MigrationOptions.builder().useHints(false).bandwidthLimit(16L << 20).downtimeLimit(Duration.ofMillis(5))
                .maxRounds(6).autoConverge(autoConverge).build();
    }

    @Test
    void autoConvergeThrottlesAGuestThatOutrunsTheLinkAndItStillArrivesWhole() throws Exception {
        try (ToyGuest guest = hog("converge")) {
            MigrationHarness.Run run = harness.migrate(guest, slowLink(true));

            assertThat(run.destination().selfCheck().passed()).as(run.destination().selfCheck().problems().toString()).isTrue();
            assertThat(guest.highestThrottle()).as("auto-converge throttled the vCPUs").isGreaterThanOrEqualTo(20);
            assertThat(harness.sourceEvents).anyMatch(e -> e.message().contains("throttled to"));
        }
    }

    @Test
    void withoutAutoConvergeTheRoundLimitEndsItAndNothingIsThrottled() throws Exception {
        try (ToyGuest guest = hog("round-limit")) {
            MigrationHarness.Run run = harness.migrate(guest, slowLink(false));

            assertThat(run.source().outcome()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(run.source().rounds()).isEqualTo(6);
            assertThat(run.destination().selfCheck().passed()).isTrue();
            assertThat(guest.highestThrottle()).isZero();
        }
    }

    @Test
    void aCancelledMigrationLiftsTheThrottleItSet() throws Exception {
        try (ToyGuest guest = hog("cancel-throttled")) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration[] out = new Migration[1];
            java.util.concurrent.CompletableFuture<Void> assigned = new java.util.concurrent.CompletableFuture<>();
            out[0] = harness.source.migrate(guest, in.address(), slowLink(true), e -> {
                if (e.message().contains("throttled to")) {
                    assigned.join();
                    out[0].cancel();
                }
            });
            assigned.complete(null);
            MigrationReport src = out[0].await(MigrationHarness.TIMEOUT);

            assertThat(src.outcome()).isEqualTo(MigrationPhase.CANCELLED);
            assertThat(guest.highestThrottle()).isPositive();
            assertThat(guest.throttle()).as("the throttle is lifted").isZero();
            assertThat(guest.isPaused()).isFalse();
        }
    }
}
