package io.pagehint.engine.hints;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.testing.PerBitTightener;
import io.pagehint.engine.memory.MigrationBitmap;
import io.pagehint.engine.toy.ToyLayouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The order of hinting in a migration, with a scripted hint source the test drives by hand: which
 * command id each round asks with, when the gate opens and shuts, what is stopped and closed.
 */
class HintRoundsTest {

    private static final GuestMemoryLayout LAYOUT = ToyLayouts.small();

    private final MigrationBitmap migration = new MigrationBitmap(LAYOUT);
    private final ScriptedSource source = new ScriptedSource();

    private HintRounds rounds(AtomicLong ids, boolean applyStaleHints) {
        migration.setAll();
        return new HintRounds(source, (finished, failure) -> new HintGate(LAYOUT, new PerBitTightener(), migration,
                null, applyStaleHints, finished, failure), ids, false, applyStaleHints);
    }

    private static HintChunk chunk(long id) {
        return new HintChunk.Ranges(id, new long[] {0x200, 64});
    }

    @Test
    void eachRoundAsksWithTheNextIdOfTheEngineWideCounter() {
        AtomicLong ids = new AtomicLong(41);
        HintRounds first = rounds(ids, false);
        first.startRound(1);
        first.endRound();
        first.startRound(2);
        HintRounds other = rounds(ids, false); // another migration of the same engine
        other.startRound(1);
        assertThat(source.requests).extracting(ScriptedRequest::commandId).containsExactly(42L, 43L, 44L);
        assertThat(first.currentCommandId()).isEqualTo(43);
    }

    @Test
    void theGateIsOpenBeforeTheRequestGoesOutSoAnImmediateChunkCounts() {
        source.onRequest = (id, consumer) -> consumer.onChunk(chunk(id));
        HintRounds r = rounds(new AtomicLong(), false);
        long all = migration.remaining();
        r.startRound(1);
        assertThat(all - migration.remaining()).isEqualTo(64);
    }

    @Test
    void endingARoundShutsTheGateAndStopsTheRequest() {
        HintRounds r = rounds(new AtomicLong(), false);
        r.startRound(1);
        r.endRound();
        ScriptedRequest req = source.requests.get(0);
        assertThat(req.stopped).isTrue();
        long left = migration.remaining();
        req.consumer.onChunk(chunk(req.commandId)); // a source that ignores stop
        assertThat(migration.remaining()).isEqualTo(left);
        assertThat(r.report().chunksDropped()).isEqualTo(1);
    }

    @Test
    void withTheRuleSwitchedOffTheRoundsEndLeavesTheGateOpen() {
        HintRounds r = rounds(new AtomicLong(), true);
        r.startRound(1);
        r.endRound();
        ScriptedRequest req = source.requests.get(0);
        assertThat(req.stopped).isFalse();
        long left = migration.remaining();
        req.consumer.onChunk(chunk(req.commandId));
        assertThat(left - migration.remaining()).isEqualTo(64);
    }

    @Test
    void afterStopForGoodNoRoundAsksAgainAndNoChunkApplies() {
        HintRounds r = rounds(new AtomicLong(), false);
        r.startRound(1);
        r.stopForGood();
        r.startRound(2);
        assertThat(source.requests).hasSize(1);
        assertThat(source.requests.get(0).stopped).isTrue();
        long left = migration.remaining();
        source.requests.get(0).consumer.onChunk(chunk(source.requests.get(0).commandId));
        assertThat(migration.remaining()).isEqualTo(left);
    }

    @Test
    void finishClosesEveryRequestSoTheGuestGetsItsPagesBack() {
        HintRounds r = rounds(new AtomicLong(), false);
        r.startRound(1);
        r.endRound();
        r.startRound(2);
        r.finish();
        assertThat(source.requests).allSatisfy(q -> assertThat(q.closed).isTrue());
        assertThat(r.requestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedRequestStopsHintsAndSaysWhyInTheReport() {
        source.onRequest = (id, consumer) -> {
            throw new IllegalStateException("channel gone");
        };
        HintRounds r = rounds(new AtomicLong(), false);
        r.startRound(1);
        assertThat(r.report().note()).contains("refused round 1").contains("channel gone");
        source.onRequest = (id, consumer) -> { };
        r.startRound(2);
        assertThat(source.requests).isEmpty();
    }

    @Test
    void aFailedRequestIsNotedAndEndsTheWaitForIt() throws InterruptedException {
        HintRounds r = rounds(new AtomicLong(), false);
        r.startRound(1);
        ScriptedRequest req = source.requests.get(0);
        req.consumer.onFinished(req.commandId, HintStatus.FAILED, "guest said no");
        r.awaitCurrent(Duration.ofMinutes(5)); // returns at once: the request has ended
        assertThat(r.report().note()).isEqualTo("request 1 ended FAILED: guest said no");
    }

    /** A hint source whose requests do nothing until the test calls their consumer. */
    private static final class ScriptedSource implements HintSource {
        final List<ScriptedRequest> requests = new ArrayList<>();
        BiConsumer<Long, HintConsumer> onRequest = (id, consumer) -> { };

        @Override
        public String transport() {
            return "scripted";
        }

        @Override
        public boolean isGuestConnected() {
            return true;
        }

        @Override
        public Optional<GuestMemInfo> memInfo(Duration timeout) {
            return Optional.empty();
        }

        @Override
        public OptionalInt pagePoison() {
            return OptionalInt.empty();
        }

        @Override
        public HintRequest request(HintRequestOptions options, HintConsumer consumer) {
            onRequest.accept(options.commandId(), consumer);
            ScriptedRequest r = new ScriptedRequest(options.commandId(), consumer);
            requests.add(r);
            return r;
        }
    }

    private static final class ScriptedRequest implements HintRequest {
        final long commandId;
        final HintConsumer consumer;
        boolean stopped;
        boolean closed;

        ScriptedRequest(long commandId, HintConsumer consumer) {
            this.commandId = commandId;
            this.consumer = consumer;
        }

        @Override
        public long commandId() {
            return commandId;
        }

        @Override
        public HintStatus status() {
            return HintStatus.IN_PROGRESS;
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public void close() {
            stopped = true;
            closed = true;
        }
    }
}
