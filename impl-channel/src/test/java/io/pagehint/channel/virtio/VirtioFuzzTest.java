package io.pagehint.channel.virtio;

import static io.pagehint.channel.testing.Layouts.GiB;
import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.testing.DiscardingChannel;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.Mutator;
import io.pagehint.channel.testing.SharedGuestRam;
import io.pagehint.channel.testing.ValidatingConsumer;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.device.BalloonDevice;
import io.pagehint.channel.virtio.mmio.DoorbellMessage;
import io.pagehint.channel.virtio.mmio.Mmio;
import io.pagehint.channel.virtio.ring.DriverVirtqueue;
import io.pagehint.channel.virtio.ring.SplitRingLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds the virtio device mutated drivers: 100,000 in the full tier's integration phase, a few
 * thousand in the unit phase ({@code pagehint.fuzz.iterations}, which the build sets from
 * {@code -Dfuzz.full.iterations=N} and {@code -Dfuzz.unit.iterations=N}; {@code -Dpagehint.fuzz.seed=S}
 * to replay). Each input is a doorbell byte stream (a
 * correct initialization and notification, often mutated) and a free page queue in guest RAM (a
 * correct round of buffers, often with descriptors, links, indexes and ring entries overwritten).
 * For every input the device must end the session itself, never fail inside, end the round at
 * most once, and hand on only chunks of usable guest RAM for the round's own id.
 */
class VirtioFuzzTest {

    private static final GuestMemoryLayout LAYOUT = Layouts.withHole(64 * MiB, 64 * MiB);
    private static final long RING = 0x20_0000;
    private static final long CMD = 0x1F_F000;
    private static final int QUEUE = 16;
    private static final int BLOCK = 4 * (int) MiB;
    /** The command id of the one request each input answers. */
    private static final long FUZZ_COMMAND_ID = 42;

    @TempDir
    Path dir;

    private static byte[] doorbellStream(SplitRingLayout ring) {
        List<DoorbellMessage> m = new ArrayList<>();
        m.add(DoorbellMessage.write(Mmio.STATUS, 4, 0));
        m.add(DoorbellMessage.write(Mmio.STATUS, 4, 3));
        m.add(DoorbellMessage.read(Mmio.MAGIC_VALUE, 4));
        m.add(DoorbellMessage.write(Mmio.DRIVER_FEATURES_SEL, 4, 0));
        m.add(DoorbellMessage.write(Mmio.DRIVER_FEATURES, 4, 1L << Balloon.F_FREE_PAGE_HINT));
        m.add(DoorbellMessage.write(Mmio.DRIVER_FEATURES_SEL, 4, 1));
        m.add(DoorbellMessage.write(Mmio.DRIVER_FEATURES, 4, 1));
        m.add(DoorbellMessage.write(Mmio.STATUS, 4, 11));
        m.add(DoorbellMessage.read(Mmio.STATUS, 4));
        m.add(DoorbellMessage.write(Mmio.QUEUE_SEL, 4, 2));
        m.add(DoorbellMessage.read(Mmio.QUEUE_SIZE_MAX, 4));
        m.add(DoorbellMessage.write(Mmio.QUEUE_SIZE, 4, QUEUE));
        m.add(DoorbellMessage.write(Mmio.QUEUE_DESC_LOW, 4, ring.descTable()));
        m.add(DoorbellMessage.write(Mmio.QUEUE_DRIVER_LOW, 4, ring.availRing()));
        m.add(DoorbellMessage.write(Mmio.QUEUE_DEVICE_LOW, 4, ring.usedRing()));
        m.add(DoorbellMessage.write(Mmio.QUEUE_READY, 4, 1));
        m.add(DoorbellMessage.write(Mmio.STATUS, 4, 15));
        m.add(DoorbellMessage.read(Mmio.CONFIG + Balloon.CONFIG_FREE_PAGE_HINT_CMD_ID, 4));
        m.add(DoorbellMessage.write(Mmio.QUEUE_NOTIFY, 4, 2));
        m.add(DoorbellMessage.write(Mmio.INTERRUPT_ACK, 4, 3));
        m.add(DoorbellMessage.write(Mmio.QUEUE_NOTIFY, 4, 2));
        ByteBuffer b = ByteBuffer.allocate(m.size() * DoorbellMessage.BYTES);
        m.forEach(x -> x.encode(b));
        return b.array();
    }

    /** A correct round in the queue: the acknowledgement of id 2, some free blocks, maybe STOP. */
    private static void writeRound(SharedGuestRam ram, SplitRingLayout ring, Random random) {
        DriverVirtqueue<String> q = new DriverVirtqueue<>(ram, ring);
        ram.writeInt(CMD, Balloon.CMD_ID_FIRST);
        ram.writeInt(CMD + 4, Balloon.CMD_ID_STOP);
        q.add(CMD, 4, false, "ack");
        int blocks = random.nextInt(QUEUE - 2);
        for (int i = 0; i < blocks; i++) {
            long gpa = random.nextBoolean() ? (1 + random.nextInt(15)) * (long) BLOCK : 4 * GiB + random.nextInt(16) * (long) BLOCK;
            q.add(gpa, BLOCK, true, "block");
        }
        if (random.nextBoolean()) {
            q.add(CMD + 4, 4, false, "stop");
        }
        q.publish();
    }

    /** Overwrites a few fields of the rings or the command slots with edge or random values. */
    private static void damage(SharedGuestRam ram, SplitRingLayout ring, Random random) {
        long span = SplitRingLayout.contiguousBytes(QUEUE);
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            long at = random.nextInt(8) == 0 ? CMD + random.nextInt(8) : RING + random.nextInt((int) span);
            switch (random.nextInt(4)) {
                case 0 -> ram.writeBytes(at, new byte[] {(byte) random.nextInt(256)}, 0, 1);
                case 1 -> ram.writeShort(at & ~1L, (short) (random.nextBoolean() ? random.nextInt(65536) : random.nextInt(40)));
                case 2 -> ram.writeInt(at & ~3L, random.nextBoolean() ? random.nextInt() : (random.nextBoolean() ? BLOCK : 4096 * random.nextInt(3)));
                default -> {
                    long v = switch (random.nextInt(4)) {
                        case 0 -> random.nextLong();
                        case 1 -> 64 * MiB - 4096 * random.nextInt(4);
                        case 2 -> 4 * GiB - BLOCK + 4096L * random.nextInt(1024);
                        default -> 0xA0000 + 4096L * random.nextInt(8);
                    };
                    ram.writeLong(Math.min(at & ~7L, RING + span - 8), v);
                }
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void mutatedDriversNeverGetABadHintThroughNorAFailureInside() throws IOException {
        SharedGuestRam ram = SharedGuestRam.map(dir.resolve("ram"), LAYOUT);
        UsableRam usable = new UsableRam(LAYOUT);
        SplitRingLayout ring = SplitRingLayout.contiguous(RING, QUEUE);
        List<byte[]> corpus = List.of(doorbellStream(ring));
        long seed = Mutator.seed();
        Mutator mutator = new Mutator(seed);
        Random random = mutator.random();
        int iterations = Mutator.iterations(100_000);
        int[] outcomes = new int[HintStatus.values().length];
        for (int i = 0; i < iterations; i++) {
            writeRound(ram, ring, random);
            if (random.nextInt(10) < 7) {
                damage(ram, ring, random);
            }
            byte[] stream = random.nextBoolean() ? corpus.get(0) : mutator.mutate(corpus);
            BalloonDevice device = new BalloonDevice("fuzz", ram, usable, QUEUE, Duration.ofSeconds(5));
            ValidatingConsumer consumer = new ValidatingConsumer(LAYOUT, FUZZ_COMMAND_ID);
            ActiveRequest request = new ActiveRequest(FUZZ_COMMAND_ID, consumer, new ActiveRequest.Transport() {
                @Override
                public void stopRequested(ActiveRequest r) {
                }

                @Override
                public void doneRequested(ActiveRequest r) {
                }
            });
            DoorbellSession[] session = new DoorbellSession[1];
            boolean[] started = new boolean[1];
            DoorbellSession.Listener listener = new DoorbellSession.Listener() {
                @Override
                public void deviceChanged() {
                    if (!started[0] && device.hintingReady()) {
                        started[0] = true;
                        session[0].apply(device.start(request));
                    }
                }

                @Override
                public void ended(DoorbellSession s) {
                }
            };
            session[0] = new DoorbellSession(Channels.newChannel(new ByteArrayInputStream(stream)), new DiscardingChannel(), () -> { },
                    device, listener, "fuzz", Duration.ofSeconds(5));
            session[0].run();

            String where = "input " + i + " of seed " + seed;
            assertThat(session[0].endReason()).as(where).isNotNull().doesNotStartWith("device model failed");
            assertThat(consumer.violation()).as(where).isNull();
            assertThat(consumer.sawChunkAfterFinish()).as(where).isFalse();
            if (started[0]) {
                assertThat(consumer.finishCalls()).as(where).isEqualTo(1);
                outcomes[consumer.status().ordinal()]++;
            }
        }
        assertThat(outcomes[HintStatus.READY.ordinal()]).as("undamaged rounds complete").isPositive();
        assertThat(outcomes[HintStatus.FAILED.ordinal()]).as("damaged rounds fail").isPositive();
    }
}
