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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the destination does with each kind of run: data is written; a zero page over a page it
 * wrote before is discarded; a zero page it never wrote is left alone (its RAM stays sparse); a
 * fill page holds its byte.
 */
class PageWriterTest {

    private final GuestMemoryLayout layout = ToyLayouts.pc(1L << 20, 0, 4096, 0);

    @Test
    void eachKindOfRunDoesWhatTheStreamSays() throws Exception {
        try (ToyGuest source = new ToyGuest("writer", layout, ToyGuest.Behaviour.idle(0))) {
            ToyIncomingVm vm = new ToyIncomingVm(source);
            ByteBuffer data = ByteBuffer.allocate(4096);
            for (int i = 0; i < 4096; i++) {
                data.put(i, (byte) (i % 251 + 1));
            }
            byte[] stream = stream(List.of(
                    List.of(PageRun.data(5, 1)),                                    // round 1: page 5 gets data
                    List.of(PageRun.zero(5, 1), PageRun.zero(7, 1), PageRun.fill(9, 1, (byte) 0xAA))), data);

            StreamReader reader = new StreamReader(Channels.newChannel(new ByteArrayInputStream(stream)));
            reader.readHeader();
            reader.next();
            PageWriter writer = new PageWriter(vm);
            List<Long> discardsAfterRecord = new java.util.ArrayList<>();
            for (StreamRecord r = reader.next(); !(r instanceof StreamRecord.Commit); r = reader.next()) {
                if (r instanceof StreamRecord.Pages p) {
                    writer.apply(p, reader);
                    discardsAfterRecord.add(vm.discards());
                }
            }

            assertThat(discardsAfterRecord).as("only page 5, written before, is discarded").containsExactly(0L, 1L);
            ByteBuffer page5 = vm.page(0, 5);
            ByteBuffer page9 = vm.page(0, 9);
            for (int i = 0; i < 4096; i++) {
                assertThat(page5.get(i)).isZero();
                assertThat(page9.get(i)).isEqualTo((byte) 0xAA);
            }
            assertThat(writer.dataPages).isEqualTo(1);
            assertThat(writer.zeroPages).isEqualTo(2);
            assertThat(writer.fillPages).isEqualTo(1);
        }
    }

    /** A stream with one round per list of runs (the last one final), data pages all holding {@code data}. */
    private byte[] stream(List<List<PageRun>> rounds, ByteBuffer data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var channel = Channels.newChannel(bytes);
        StreamWriter w = new StreamWriter(Gathering.over(channel), 4096, null);
        w.header(UUID.randomUUID());
        w.layout(layout);
        for (int r = 0; r < rounds.size(); r++) {
            w.round(r + 1, r == 0 ? RoundKind.BULK : r == rounds.size() - 1 ? RoundKind.FINAL : RoundKind.ITERATE);
            List<PageRun> runs = rounds.get(r);
            int dataPages = runs.stream().filter(x -> x.kind() == PageRun.Kind.DATA).mapToInt(PageRun::pageCount).sum();
            ByteBuffer[] buffers = new ByteBuffer[dataPages];
            for (int i = 0; i < dataPages; i++) {
                buffers[i] = data.duplicate();
            }
            w.pages(0, runs, buffers, dataPages);
        }
        w.end();
        w.commit();
        return bytes.toByteArray();
    }
}
