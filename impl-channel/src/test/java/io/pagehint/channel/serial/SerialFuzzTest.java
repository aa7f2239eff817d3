package io.pagehint.channel.serial;

import static io.pagehint.channel.testing.Layouts.GiB;
import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.serial.wire.ErrorCode;
import io.pagehint.channel.serial.wire.Features;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message.BitmapDone;
import io.pagehint.channel.serial.wire.Message.ChunkRanges;
import io.pagehint.channel.serial.wire.Message.ChunkWords;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.MemInfo;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.testing.DiscardingChannel;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.Mutator;
import io.pagehint.channel.testing.ValidatingConsumer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds the serial host end mutated guest streams: 100,000 in the full tier's integration phase, a
 * few thousand in the unit phase ({@code pagehint.fuzz.iterations}, which the build sets from
 * {@code -Dfuzz.full.iterations=N} and {@code -Dfuzz.unit.iterations=N}; {@code -Dpagehint.fuzz.seed=S}
 * to replay).
 * For every input the session must end by itself without an exception, end the request exactly
 * once, and hand on only chunks of the request's id whose every page is usable RAM.
 */
class SerialFuzzTest {

    private static final GuestMemoryLayout LAYOUT = Layouts.withHole(64 * MiB, 64 * MiB);
    private static final UsableRam RAM = new UsableRam(LAYOUT);
    private static final long HIGH = 4 * GiB / 4096;
    /** The command id of the one request each input answers. */
    private static final long FUZZ_COMMAND_ID = 1;

    private static byte[] stream(Message... messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(Channels.newChannel(out));
        w.setLimit(64 * 1024);
        for (Message m : messages) {
            w.write(m);
        }
        return out.toByteArray();
    }

    private static List<byte[]> corpus() throws IOException {
        Hello hello = new Hello(64 * 1024, 4096, Features.KNOWN, 0);
        long[] words = new long[16];
        words[0] = 0xFFFF_0000_FFFF_0000L;
        words[5] = -1L;
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(stream(hello, new ChunkWords(1, 0x100, words), new ChunkRanges(1, new long[] {HIGH, 1024, HIGH + 2048, 7}),
                new BitmapDone(1, 32 + 64 + 1024 + 7, 2, BitmapDone.COMPLETE)));
        corpus.add(stream(hello, new ChunkWords(1, 64 * MiB / 4096 - 64, new long[] {-1L}),
                new BitmapDone(1, 64, 1, BitmapDone.COMPLETE)));
        corpus.add(stream(hello, new MemInfo(1, 10, 2, LAYOUT.pfnLimit() - 1, 4096),
                new ChunkRanges(1, new long[] {0x100, 0x100}), new BitmapDone(1, 0x100, 1, BitmapDone.STOPPED)));
        corpus.add(stream(new Hello(64 * 1024, 4096, 0, 0), new Message.Error(ErrorCode.REFUSED, 1, "no"),
                new ChunkWords(1, 0, new long[] {1})));
        return corpus;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutatedGuestStreamsNeverGetABadHintThroughNorAnExceptionOut() throws IOException {
        List<byte[]> corpus = corpus();
        long seed = Mutator.seed();
        Mutator mutator = new Mutator(seed);
        int iterations = Mutator.iterations(100_000);
        SerialSettings settings = new SerialSettings("fuzz", Path.of("unused"), 64 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(1), true);
        int[] outcomes = new int[HintStatus.values().length];
        for (int i = 0; i < iterations; i++) {
            byte[] input = i < corpus.size() ? corpus.get(i) : mutator.mutate(corpus);
            ValidatingConsumer consumer = new ValidatingConsumer(LAYOUT, FUZZ_COMMAND_ID);
            boolean[] started = new boolean[1];
            SerialSession.Listener listener = new SerialSession.Listener() {
                @Override
                public void welcomed(SerialSession session) {
                    started[0] = true;
                    session.startRequest(new HintRequestOptions(FUZZ_COMMAND_ID, false), consumer);
                }

                @Override
                public void ended(SerialSession session, String why) {
                }
            };
            SerialSession session = new SerialSession(Channels.newChannel(new ByteArrayInputStream(input)), new DiscardingChannel(), () -> { },
                    RAM, settings, listener);
            session.run();

            String where = "input " + i + " of seed " + seed;
            assertThat(session.endReason()).as(where).isNotNull().doesNotStartWith("host end failed");
            assertThat(consumer.violation()).as(where).isNull();
            assertThat(consumer.sawChunkAfterFinish()).as(where).isFalse();
            if (started[0]) {
                assertThat(consumer.finishCalls()).as(where).isEqualTo(1);
                outcomes[consumer.status().ordinal()]++;
            }
        }
        // the corpus is valid, so some inputs must get through the mutations unharmed
        assertThat(outcomes[HintStatus.READY.ordinal()]).isPositive();
        assertThat(outcomes[HintStatus.FAILED.ordinal()]).isPositive();
    }
}
