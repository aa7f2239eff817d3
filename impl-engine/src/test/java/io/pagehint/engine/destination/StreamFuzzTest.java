package io.pagehint.engine.destination;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.engine.stream.Gathering;
import io.pagehint.engine.stream.PageRun;
import io.pagehint.engine.stream.RoundKind;
import io.pagehint.engine.stream.StreamReader;
import io.pagehint.engine.stream.StreamRecord;
import io.pagehint.engine.stream.StreamWriter;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The destination against a hostile or broken source: valid streams, mutated in every way a
 * wire can mutate them, fed to the reader and the page writer. Every stream must either be
 * accepted whole or end in an IOException (never another exception, which would be a bug that a
 * peer could trigger, and never a write outside guest RAM, which the views would report as
 * IndexOutOfBoundsException). 100,000 streams in the full tier's integration phase, a few thousand
 * in the unit phase ({@code pagehint.fuzz.iterations}, which the build sets from
 * {@code -Dfuzz.full.iterations=N} and {@code -Dfuzz.unit.iterations=N}).
 */
class StreamFuzzTest {

    private static final int ITERATIONS = Integer.getInteger("pagehint.fuzz.iterations", 100_000);

    @Test
    void mutatedStreamsEndInAnIoExceptionOrAreWhole() throws Exception {
        GuestMemoryLayout layout = ToyLayouts.pc(1L << 20, 0, 4096, 256L << 10);
        List<byte[]> seeds = List.of(validStream(layout, 1), validStream(layout, 2), validStream(layout, 3));
        try (ToyGuest guest = new ToyGuest("fuzz", layout, ToyGuest.Behaviour.idle(0))) {
            ToyIncomingVm vm = new ToyIncomingVm(guest);
            SplittableRandom rnd = new SplittableRandom(42);
            int whole = 0;
            int rejected = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] stream = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
                try {
                    readAll(stream, vm);
                    whole++;
                } catch (IOException expected) {
                    rejected++;
                } catch (RuntimeException bug) {
                    throw new AssertionError("iteration " + i + ": " + bug, bug);
                }
            }
            assertThat(whole + rejected).isEqualTo(ITERATIONS);
            assertThat(rejected).as("most mutations must be caught").isGreaterThan(ITERATIONS / 2);
        }
    }

    @Test
    void anUnmutatedStreamIsReadWhole() throws Exception {
        GuestMemoryLayout layout = ToyLayouts.pc(1L << 20, 0, 4096, 256L << 10);
        try (ToyGuest guest = new ToyGuest("fuzz-clean", layout, ToyGuest.Behaviour.idle(0))) {
            assertThat(readAll(validStream(layout, 7), new ToyIncomingVm(guest))).isInstanceOf(StreamRecord.Commit.class);
        }
    }

    @Test
    void mutatedPageStreamsEndInAnIoExceptionOrAreWhole() throws Exception {
        GuestMemoryLayout layout = ToyLayouts.pc(8L << 20, 0, 4096, 4L << 20);
        List<byte[]> seeds = List.of(validPageStream(layout, 1), validPageStream(layout, 2));
        try (ToyGuest guest = new ToyGuest("fuzz-streams", layout, ToyGuest.Behaviour.idle(0))) {
            ToyIncomingVm vm = new ToyIncomingVm(guest);
            assertThat(readPageStream(seeds.get(0), vm)).isInstanceOf(StreamRecord.Done.class);
            SplittableRandom rnd = new SplittableRandom(43);
            int rejected = 0;
            int wholeInPlace = 0;
            int iterations = Math.max(1000, ITERATIONS / 5);
            for (int i = 0; i < iterations; i++) {
                byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
                byte[] mutated = mutate(seed, rnd);
                try {
                    readPageStream(mutated, vm);
                    // DONE's totals and CRC cover every byte but page data (STREAM.md 2.5, 6): only a
                    // change in place, inside page data, can still read whole
                    assertThat(mutated.length).as("iteration " + i + ": a mutation that moved bytes read whole")
                            .isEqualTo(seed.length);
                    wholeInPlace++;
                } catch (IOException expected) {
                    rejected++;
                } catch (RuntimeException bug) {
                    throw new AssertionError("iteration " + i + ": " + bug, bug);
                }
            }
            assertThat(rejected + wholeInPlace).isEqualTo(iterations);
            // page data is about half a page stream's bytes and half the mutations change bytes in place,
            // so about half are caught by structure alone ("more than half" failed at full depth: 49.8 %)
            assertThat(rejected).as("mutations caught").isGreaterThan(iterations / 3);
        }
    }

    @Test
    void aRunOnAnotherStreamsUnitIsRejected() throws Exception {
        GuestMemoryLayout layout = ToyLayouts.pc(8L << 20, 0, 4096, 4L << 20);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(Gathering.over(Channels.newChannel(bytes)), layout.guestPageSize(), null);
        w.header(UUID.randomUUID(), 1, 2);
        w.pages(0, List.of(PageRun.zero(3, 1)), new ByteBuffer[0], 0); // page 3 is in unit 0: stream 0's
        w.done();
        try (ToyGuest guest = new ToyGuest("fuzz-unit", layout, ToyGuest.Behaviour.idle(0))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> readPageStream(bytes.toByteArray(), new ToyIncomingVm(guest)))
                    .hasMessageContaining("does not belong on stream 1 of 2");
        }
    }

    private static final int NETWORK_ITERATIONS = Integer.getInteger("pagehint.fuzz.networkIterations", 15);

    /**
     * A real destination (the engine's, with TLS) fed mutated streams over a real TLS connection:
     * each ends with a report of one line, nothing kept unless it completed, and the engine
     * listens again for the next. Fewer iterations: each is a handshake and a destination.
     */
    @Test
    void mutatedStreamsOverTlsEndEachDestinationCleanly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        GuestMemoryLayout layout = ToyLayouts.pc(1L << 20, 0, 4096, 256L << 10);
        io.pagehint.engine.transport.TestCredentials.Ca ca = io.pagehint.engine.transport.TestCredentials.Ca.create("fuzz CA");
        java.nio.file.Path src = io.pagehint.engine.transport.TestCredentials.folder(tmp.resolve("src"), ca, null, ca.issue("CN=fuzzer"));
        java.nio.file.Path dst = io.pagehint.engine.transport.TestCredentials.folder(tmp.resolve("dst"), ca, ca.issue("CN=dst"), null);
        io.pagehint.engine.transport.TlsCredentials client = io.pagehint.engine.transport.TlsCredentials.load(src,
                io.pagehint.engine.transport.TlsCredentials.Role.CLIENT, java.util.Set.of());
        List<byte[]> seeds = List.of(validStream(layout, 1), validStream(layout, 2));
        io.pagehint.engine.MigrationEngine engine = new io.pagehint.engine.MigrationEngine(shortStall());
        SplittableRandom rnd = new SplittableRandom(44);
        try (ToyGuest guest = new ToyGuest("fuzz-tls", layout, ToyGuest.Behaviour.idle(0))) {
            for (int i = 0; i < NETWORK_ITERATIONS; i++) {
                ToyIncomingVm vm = new ToyIncomingVm(guest);
                io.pagehint.api.migration.IncomingMigration in = engine.receive(new java.net.InetSocketAddress("127.0.0.1", 0), vm,
                        new io.pagehint.api.migration.ReceiveOptions(dst, java.util.Set.of(), false), null);
                byte[] stream = i == 0 ? seeds.get(0) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
                try (io.pagehint.engine.transport.StreamChannel c = new io.pagehint.engine.transport.Connector(in.address(), client,
                        java.time.Duration.ofSeconds(10)).connect(x -> { })) {
                    sendAndDrain(c, stream);
                }
                assertEndsCleanly(in, vm, i);
            }
        }
    }

    /**
     * A real destination of a migration with two streams: stream 0 valid, stream 1 (a page
     * stream) mutated; each ends with a one-line report and nothing kept unless it completed.
     */
    @Test
    void mutatedPageStreamsEndAMultiStreamDestinationCleanly() throws Exception {
        GuestMemoryLayout layout = ToyLayouts.pc(8L << 20, 0, 4096, 4L << 20);
        io.pagehint.engine.MigrationEngine engine = new io.pagehint.engine.MigrationEngine(shortStall());
        SplittableRandom rnd = new SplittableRandom(45);
        try (ToyGuest guest = new ToyGuest("fuzz-multi", layout, ToyGuest.Behaviour.idle(0))) {
            for (int i = 0; i < NETWORK_ITERATIONS; i++) {
                UUID id = UUID.randomUUID();
                StreamWriter[] pageWriter = new StreamWriter[1];
                byte[] page = validPageStream(layout, rnd.nextLong(), id, pageWriter);
                ByteArrayOutputStream main = new ByteArrayOutputStream();
                StreamWriter w = new StreamWriter(Gathering.over(Channels.newChannel(main)), layout.guestPageSize(), null);
                w.header(id, 0, 2);
                w.layout(layout);
                int setup = main.size();
                w.round(1, RoundKind.BULK);
                w.round(2, RoundKind.FINAL);
                w.end(pageWriter[0].dataPages(), pageWriter[0].zeroPages(), pageWriter[0].fillPages());
                w.commit();
                byte[] mainBytes = main.toByteArray();
                ToyIncomingVm vm = new ToyIncomingVm(guest);
                io.pagehint.api.migration.IncomingMigration in = engine.receive(new java.net.InetSocketAddress("127.0.0.1", 0), vm, null);
                io.pagehint.engine.transport.Connector plain = new io.pagehint.engine.transport.Connector(in.address(), null,
                        java.time.Duration.ofSeconds(10));
                try (io.pagehint.engine.transport.StreamChannel c0 = plain.connect(x -> { })) {
                    c0.write(ByteBuffer.wrap(mainBytes, 0, setup));
                    io.pagehint.engine.stream.Replies.read(c0); // ACCEPT: the layout is the destination's
                    try (io.pagehint.engine.transport.StreamChannel c1 = plain.connect(x -> { })) {
                        sendAndDrain(c1, i == 0 ? page : mutate(page, rnd));
                    } catch (IOException expected) {
                        // the destination refused the page stream or closed it
                    }
                    sendAndDrain(c0, java.util.Arrays.copyOfRange(mainBytes, setup, mainBytes.length));
                } catch (IOException expected) {
                    // the destination closed stream 0 on a failure of stream 1
                }
                io.pagehint.api.migration.MigrationReport r = assertEndsCleanly(in, vm, i);
                if (i == 0) {
                    assertThat(r.failure()).as("the unmutated pair fails only at the toy guest's self-check, after both streams")
                            .doesNotContain("stream 1");
                }
            }
        }
    }

    private static io.pagehint.engine.EngineSettings shortStall() {
        io.pagehint.engine.EngineSettings d = io.pagehint.engine.EngineSettings.defaults();
        return new io.pagehint.engine.EngineSettings(d.eventInterval(), java.time.Duration.ofSeconds(2),
                d.throttleInitial(), d.throttleIncrement());
    }

    /** Writes the bytes and reads the replies until the destination closes; a destination that closes first is fine. */
    private static void sendAndDrain(io.pagehint.engine.transport.StreamChannel c, byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.write(b);
            }
            ByteBuffer sink = ByteBuffer.allocate(4096);
            while (c.read(sink.clear()) >= 0) {
                // replies: REJECT, ACCEPT, RESULT, ERROR
            }
        } catch (IOException expected) {
            // the destination closed the connection: it refused the stream
        }
    }

    private static io.pagehint.api.migration.MigrationReport assertEndsCleanly(io.pagehint.api.migration.IncomingMigration in,
                                                                              ToyIncomingVm vm, int iteration) throws Exception {
        io.pagehint.api.migration.MigrationReport r = in.await(java.time.Duration.ofSeconds(60));
        assertThat(r.failure()).as("iteration " + iteration).doesNotContain("\n");
        if (r.outcome() != io.pagehint.api.migration.MigrationPhase.COMPLETED) {
            assertThat(r.failure()).as("iteration " + iteration).isNotBlank();
            assertThat(vm.isAbandoned()).as("iteration " + iteration + ": nothing kept").isTrue();
        }
        return r;
    }

    /** Reads a page stream (stream 1 of 2) the way DestinationMigration does; returns its last record. */
    private static StreamRecord readPageStream(byte[] stream, ToyIncomingVm vm) throws IOException {
        StreamReader reader = new StreamReader(Channels.newChannel(new java.io.ByteArrayInputStream(stream)));
        reader.readHeader();
        if (reader.streamIndex() == 0 || reader.streamCount() != 2) {
            throw new IOException("not stream 1 of 2");
        }
        reader.pageStreamOf(vm.layout());
        PageWriter pages = new PageWriter(vm);
        while (true) {
            StreamRecord r = reader.next();
            if (r instanceof StreamRecord.Pages p) {
                pages.apply(p, reader);
            } else {
                return r;
            }
        }
    }

    /** Stream 1 of 2: runs in the units of stream 1 (odd units of 512 pages) of every block, then DONE. */
    private static byte[] validPageStream(GuestMemoryLayout layout, long seed) throws Exception {
        return validPageStream(layout, seed, UUID.randomUUID(), new StreamWriter[1]);
    }

    /** The same, for migration {@code id}; {@code writer[0]} is left holding the stream's totals. */
    private static byte[] validPageStream(GuestMemoryLayout layout, long seed, UUID id, StreamWriter[] writer) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(Gathering.over(Channels.newChannel(bytes)), layout.guestPageSize(), null);
        writer[0] = w;
        w.header(id, 1, 2);
        ByteBuffer page = ByteBuffer.allocate(layout.guestPageSize());
        for (int b = 0; b < layout.blocks().size(); b++) {
            long pages = layout.blocks().get(b).pages(layout.guestPageSize());
            List<PageRun> runs = new ArrayList<>();
            List<ByteBuffer> data = new ArrayList<>();
            for (long unit = 1; unit * 512 < pages && runs.size() < 40; unit += 2) {
                long p = unit * 512 + rnd.nextInt(500);
                int n = (int) Math.min(Math.min(pages, (unit + 1) * 512) - p, 1 + rnd.nextInt(6));
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        if (data.size() + n <= 6) {
                            runs.add(PageRun.data(p, n));
                            for (int k = 0; k < n; k++) {
                                data.add(page.duplicate());
                            }
                        }
                    }
                    case 1 -> runs.add(PageRun.zero(p, n));
                    default -> runs.add(PageRun.fill(p, n, (byte) 0xAA));
                }
            }
            if (!runs.isEmpty()) {
                w.pages(b, runs, data.toArray(ByteBuffer[]::new), data.size());
            }
        }
        w.done();
        return bytes.toByteArray();
    }

    /** Reads a stream the way DestinationMigration does; returns its last record. */
    private static StreamRecord readAll(byte[] stream, ToyIncomingVm vm) throws IOException {
        ReadableByteChannel in = Channels.newChannel(new java.io.ByteArrayInputStream(stream));
        StreamReader reader = new StreamReader(in);
        reader.readHeader();
        StreamRecord first = reader.next();
        if (!(first instanceof StreamRecord.Layout l) || !l.layout().equals(vm.layout())) {
            throw new IOException("layout rejected");
        }
        PageWriter pages = new PageWriter(vm);
        while (true) {
            StreamRecord r = reader.next();
            if (r instanceof StreamRecord.Pages p) {
                pages.apply(p, reader);
            } else if (r instanceof StreamRecord.Commit || r instanceof StreamRecord.Cancel) {
                return r;
            }
        }
    }

    /** A stream of three rounds of random runs over every block, ending in END and COMMIT. */
    private static byte[] validStream(GuestMemoryLayout layout, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GatheringByteChannel out = Gathering.over(Channels.newChannel(bytes));
        StreamWriter w = new StreamWriter(out, layout.guestPageSize(), null);
        w.header(UUID.randomUUID());
        w.layout(layout);
        ByteBuffer page = ByteBuffer.allocate(layout.guestPageSize());
        for (int round = 1; round <= 3; round++) {
            w.round(round, round == 1 ? RoundKind.BULK : round == 3 ? RoundKind.FINAL : RoundKind.ITERATE);
            for (int b = 0; b < layout.blocks().size(); b++) {
                long pages = layout.blocks().get(b).pages(layout.guestPageSize());
                List<PageRun> runs = new ArrayList<>();
                List<ByteBuffer> data = new ArrayList<>();
                for (long p = 0; p < pages && runs.size() < 40; ) {
                    int n = (int) Math.min(pages - p, 1 + rnd.nextInt(6));
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            if (data.size() + n <= 6) { // a few pages of data keep each stream small
                                runs.add(PageRun.data(p, n));
                                for (int k = 0; k < n; k++) {
                                    data.add(page.duplicate());
                                }
                            }
                        }
                        case 1 -> runs.add(PageRun.zero(p, n));
                        default -> runs.add(PageRun.fill(p, n, (byte) 0xAA));
                    }
                    p += n + rnd.nextInt(20);
                }
                if (!runs.isEmpty()) {
                    w.pages(b, runs, data.toArray(ByteBuffer[]::new), data.size());
                }
            }
        }
        w.end();
        w.commit();
        return bytes.toByteArray();
    }

    private static byte[] mutate(byte[] s, SplittableRandom rnd) {
        byte[] m = s.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> { // flip a few bytes
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                    m[rnd.nextInt(m.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            case 1 -> { // truncate
                m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
            }
            case 2 -> { // a huge or odd 32-bit field somewhere (lengths, counts, offsets)
                int at = rnd.nextInt(m.length - 4);
                int v = rnd.nextBoolean() ? -1 : rnd.nextInt();
                ByteBuffer.wrap(m).putInt(at, v);
            }
            case 3 -> { // a 64-bit field: page offsets
                int at = rnd.nextInt(m.length - 8);
                ByteBuffer.wrap(m).putLong(at, rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextLong());
            }
            case 4 -> { // duplicate a slice (records repeated or out of order)
                int from = rnd.nextInt(m.length);
                int len = Math.min(m.length - from, 1 + rnd.nextInt(256));
                int to = rnd.nextInt(m.length);
                byte[] out = new byte[m.length + len];
                System.arraycopy(m, 0, out, 0, to);
                System.arraycopy(m, from, out, to, len);
                System.arraycopy(m, to, out, to + len, m.length - to);
                m = out;
            }
            default -> { // random garbage after a valid prefix
                int keep = rnd.nextInt(m.length);
                byte[] out = java.util.Arrays.copyOf(m, keep + 64);
                for (int i = keep; i < out.length; i++) {
                    out[i] = (byte) rnd.nextInt();
                }
                m = out;
            }
        }
        return m;
    }
}
