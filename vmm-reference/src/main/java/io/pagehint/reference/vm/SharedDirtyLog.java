package io.pagehint.reference.vm;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.reference.ram.DirtyLogFile;

/**
 * The host's side of the guest's dirty log. The reference guest marks every write whether or not
 * the host is logging (marking an already-set bit costs a plain read), so "logging" is the host's
 * notion: {@link #start()} clears the log, so a harvest then holds exactly the pages written since,
 * as enabling KVM's dirty logging starts a memslot's bitmap empty.
 */
final class SharedDirtyLog implements DirtyLog {

    private final DirtyLogFile log;
    private volatile boolean logging;

    SharedDirtyLog(DirtyLogFile log) {
        this.log = log;
    }

    @Override
    public void start() {
        log.clear();
        logging = true;
    }

    @Override
    public long harvest(int block, PageBitmap into) {
        return log.harvest(block, into);
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
