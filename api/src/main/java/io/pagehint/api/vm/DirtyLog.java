package io.pagehint.api.vm;

import io.pagehint.api.bitmap.PageBitmap;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The guest's dirty log: one bit per guest page of each RAM block, by page offset in the block,
 * set when the guest (or a device) writes the page. Like a KVM memslot's dirty bitmap.
 */
@ConsumerType
public interface DirtyLog {

    /**
     * Starts logging with a clear log: from when this returns, every write to guest RAM sets its
     * page's bit. Writes from before are forgotten (the first round sends every page anyway).
     */
    void start();

    /**
     * Moves block {@code block}'s dirty bits into {@code into}: each word of the log is read and
     * cleared atomically and ORed into {@code into}, so a write is either in this harvest or in a
     * later one, never lost.
     *
     * @return how many pages were dirty in the log
     */
    long harvest(int block, PageBitmap into);

    /** Stops logging. */
    void stop();

    boolean isLogging();
}
