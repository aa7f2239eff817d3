package io.pagehint.engine;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.tighten.testing.PerBitTightener;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyHintSource;
import io.pagehint.engine.toy.ToyIncomingVm;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Two engines in one JVM, a source and a destination, talking over loopback TCP. */
final class MigrationHarness {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final MigrationEngine source;
    final MigrationEngine destination;
    final List<MigrationEvent> sourceEvents = new CopyOnWriteArrayList<>();

    MigrationHarness(EngineSettings settings) {
        this(settings, false);
    }

    /** {@code applyStaleHints}: the source engine's test seam, which switches the stale-hint rule off. */
    MigrationHarness(EngineSettings settings, boolean applyStaleHints) {
        source = new MigrationEngine(settings, applyStaleHints);
        destination = new MigrationEngine(settings);
    }

    MigrationHarness() {
        this(EngineSettings.defaults());
    }

    /** Registers a tightener for the toy layouts and a hint source for the guest. */
    ToyHintSource withHints(ToyGuest guest, int wordsPerChunk, Duration pace) {
        return withHints(guest, wordsPerChunk, pace, 0);
    }

    ToyHintSource withHints(ToyGuest guest, int wordsPerChunk, Duration pace, int reusePerChunk) {
        source.addTightener(new PerBitTightener(), Map.of("pagehint.arch", "toy", "pagehint.machine", new String[] {"pc"}));
        ToyHintSource hints = new ToyHintSource(guest, wordsPerChunk, pace, reusePerChunk);
        source.addHintSource(hints, Map.of("vm.id", guest.id(), "pagehint.transport", "toy"));
        return hints;
    }

    record Run(MigrationReport source, MigrationReport destination, ToyIncomingVm incoming) {
    }

    Run migrate(ToyGuest guest, MigrationOptions options) throws Exception {
        Started s = start(guest, options);
        return s.await();
    }

    Started start(ToyGuest guest, MigrationOptions options) throws Exception {
        ToyIncomingVm incoming = new ToyIncomingVm(guest);
        IncomingMigration in = destination.receive(new InetSocketAddress("127.0.0.1", 0), incoming, null);
        Migration out = source.migrate(guest, in.address(), options, sourceEvents::add);
        return new Started(out, in, incoming);
    }

    record Started(Migration out, IncomingMigration in, ToyIncomingVm incoming) {
        Run await() throws Exception {
            MigrationReport src = out.await(TIMEOUT);
            MigrationReport dst = in.await(TIMEOUT);
            return new Run(src, dst, incoming);
        }
    }
}
