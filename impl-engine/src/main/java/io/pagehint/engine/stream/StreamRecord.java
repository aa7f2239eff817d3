package io.pagehint.engine.stream;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.util.List;

/** A record of the stream as the destination reads it, already validated (docs/STREAM.md 2). */
public sealed interface StreamRecord {

    record Layout(GuestMemoryLayout layout) implements StreamRecord {
    }

    record Round(int number, RoundKind kind) implements StreamRecord {
    }

    /** A PAGES record; its page data follows and is read with {@link StreamReader#readData}. */
    record Pages(int block, List<PageRun> runs, int dataPages) implements StreamRecord {
    }

    record Cancel(String reason) implements StreamRecord {
    }

    record End(EndTotals totals) implements StreamRecord {
    }

    /** The end of a page stream, with its totals (section 6). */
    record Done(EndTotals totals) implements StreamRecord {
    }

    /** The source hands the guest over. */
    record Commit() implements StreamRecord {
    }
}
