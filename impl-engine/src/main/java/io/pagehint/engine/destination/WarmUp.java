package io.pagehint.engine.destination;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.engine.stream.Gathering;
import io.pagehint.engine.stream.LayoutCodec;
import io.pagehint.engine.stream.PageRun;
import io.pagehint.engine.stream.RoundKind;
import io.pagehint.engine.stream.StreamReader;
import io.pagehint.engine.stream.StreamRecord;
import io.pagehint.engine.stream.StreamWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.List;
import java.util.UUID;

/**
 * A destination is often a fresh process, and the first migration it takes used to pay for
 * loading and interpreting the stream path while the source waited for ACCEPT (45-270 ms in
 * docs/PERFORMANCE.md). Before it listens, it runs a small stream of the guest's own layout
 * through the writer and the reader in memory, and checks the layout it read as the handshake
 * does (the first comparison of records links their generated {@code equals}, about 20 ms in a
 * fresh JVM): nothing reaches guest RAM.
 */
final class WarmUp {

    private WarmUp() {
    }

    static void streamPath(GuestMemoryLayout layout) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StreamWriter w = new StreamWriter(Gathering.over(Channels.newChannel(bytes)), layout.guestPageSize(), null);
            ByteBuffer page = ByteBuffer.allocate(layout.guestPageSize());
            w.header(UUID.randomUUID());
            w.layout(layout);
            w.round(1, RoundKind.BULK);
            w.pages(0, List.of(PageRun.data(0, 1), PageRun.zero(1, 1)), new ByteBuffer[] {page}, 1);
            w.round(2, RoundKind.FINAL);
            w.end();
            StreamReader r = new StreamReader(Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray())));
            r.readHeader();
            for (StreamRecord rec = r.next(); !(rec instanceof StreamRecord.End); rec = r.next()) {
                if (rec instanceof StreamRecord.Layout l) {
                    LayoutCodec.firstDifference(layout, l.layout());
                } else if (rec instanceof StreamRecord.Pages p) {
                    r.readData(ByteBuffer.allocate(p.dataPages() * layout.guestPageSize()));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // only a warm-up: the real stream will say what is wrong, if anything is
        }
    }
}
