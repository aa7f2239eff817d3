package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.vm.VmState;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The engine owns running work: a new configuration reaches new migrations and leaves running ones
 * alone, the component stays active without consumers, and a guest is migrated by one migration
 * at a time.
 */
class EngineLifecycleTest {

    private final MigrationHarness harness = new MigrationHarness();

    /** A slow link: the migration is still running when the test acts. */
    private static MigrationOptions slow() {
        return MigrationOptions.builder().bandwidthLimit(8L << 20).useHints(false).build();
    }

    @Test
    void aNewConfigurationReachesNewMigrationsAndLeavesARunningOneAlone() throws Exception {
        try (ToyGuest guest = new ToyGuest("reconfigured", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 31))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            CompletableFuture<Void> inBulk = new CompletableFuture<>();
            Migration out = harness.source.migrate(guest, in.address(), slow(), e -> {
                if (e.phase() == MigrationPhase.BULK) {
                    inBulk.complete(null);
                }
            });
            inBulk.get();

            harness.source.modified(config(250, 7));
            harness.destination.modified(config(250, 7));

            assertThat(harness.source.settings().eventInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(harness.source.settings().stallTimeout()).isEqualTo(Duration.ofSeconds(7));
            MigrationReport src = out.await(MigrationHarness.TIMEOUT);
            MigrationReport dst = in.await(MigrationHarness.TIMEOUT);
            assertThat(src.outcome()).as(src.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(dst.outcome()).as(dst.failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(dst.selfCheck().passed()).isTrue();
        }
    }

    @Test
    void aNewConfigurationAlsoChangesTheTransportDefaults() throws Exception {
        try (ToyGuest guest = new ToyGuest("transport", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.5))) {
            InetSocketAddress anyAddress = new InetSocketAddress("0.0.0.0", 0);
            // off loopback without TLS is refused, until a new configuration allows plaintext
            assertThatThrownBy(() -> harness.destination.receive(anyAddress, new ToyIncomingVm(guest), null))
                    .hasMessageContaining("without TLS");
            harness.destination.modified(config(100, 30, true));
            IncomingMigration in = harness.destination.receive(anyAddress, new ToyIncomingVm(guest), null);
            in.cancel();
            assertThat(in.await(MigrationHarness.TIMEOUT).outcome()).isEqualTo(MigrationPhase.CANCELLED);
        }
    }

    @Test
    void theComponentIsImmediateAndTakesANewConfigurationInModified() throws Exception {
        // the descriptor bnd generates from the annotations is what SCR acts on
        Path xml = Path.of("target/classes/OSGI-INF/io.pagehint.engine.MigrationEngine.xml");
        String descriptor = Files.readString(xml);
        assertThat(descriptor).contains("immediate=\"true\"").contains("modified=\"modified\"");
    }

    @Test
    void aSecondMigrationOfAGuestIsRefusedAtOnceSayingWhy() throws Exception {
        try (ToyGuest guest = new ToyGuest("twice", ToyLayouts.small(), ToyGuest.Behaviour.churn(1, 5, 32))) {
            ToyIncomingVm incoming = new ToyIncomingVm(guest);
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
            Migration first = harness.source.migrate(guest, in.address(), slow(), null);

            ToyIncomingVm other = new ToyIncomingVm(guest);
            IncomingMigration in2 = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), other, null);
            assertThatThrownBy(() -> harness.source.migrate(guest, in2.address(), slow(), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("guest twice is already being migrated").hasMessageContaining(first.id());
            assertThat(harness.source.active()).as("the refused one never started").containsExactly(first);

            first.cancel();
            assertThat(first.await(MigrationHarness.TIMEOUT).outcome()).isEqualTo(MigrationPhase.CANCELLED);
            assertThat(guest.control().state()).isEqualTo(VmState.RUNNING);
            // once the first has ended, the guest can be migrated again
            Migration again = harness.source.migrate(guest, in2.address(), MigrationOptions.builder().useHints(false).build(), null);
            assertThat(again.await(MigrationHarness.TIMEOUT).outcome()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(in2.await(MigrationHarness.TIMEOUT).selfCheck().passed()).isTrue();
        }
    }

    private static MigrationEngine.Config config(long eventIntervalMs, long stallTimeoutS) {
        return config(eventIntervalMs, stallTimeoutS, false);
    }

    private static MigrationEngine.Config config(long eventIntervalMs, long stallTimeoutS, boolean allowPlaintext) {
        return new MigrationEngine.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MigrationEngine.Config.class;
            }

            @Override
            public long event_interval_ms() {
                return eventIntervalMs;
            }

            @Override
            public long stall_timeout_s() {
                return stallTimeoutS;
            }

            @Override
            public int throttle_initial() {
                return 20;
            }

            @Override
            public int throttle_increment() {
                return 10;
            }

            @Override
            public String tls_creds() {
                return "";
            }

            @Override
            public String[] tls_authz() {
                return new String[0];
            }

            @Override
            public boolean allow_plaintext() {
                return allowPlaintext;
            }
        };
    }
}
