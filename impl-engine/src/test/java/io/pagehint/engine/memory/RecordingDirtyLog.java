package io.pagehint.engine.memory;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DirtyLog;

/** A dirty log in memory whose writes a test makes, one call at a time: no guest, no threads. */
public final class RecordingDirtyLog implements DirtyLog {

    private final PageBitmap[] bits;
    private boolean logging;

    public RecordingDirtyLog(GuestMemoryLayout layout) {
        bits = new PageBitmap[layout.blocks().size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = new PageBitmap(layout.blocks().get(i).pages(layout.guestPageSize()));
        }
    }

    /** The guest wrote page {@code page} of block {@code block}. */
    public void write(int block, long page) {
        bits[block].set(page);
    }

    @Override
    public void start() {
        logging = true;
    }

    @Override
    public long harvest(int block, PageBitmap into) {
        long dirty = bits[block].cardinality();
        into.or(bits[block]);
        bits[block].clearAll();
        return dirty;
    }

    @Override
    public void stop() {
        logging = false;
    }

    @Override
    public boolean isLogging() {
        return logging;
    }
}
