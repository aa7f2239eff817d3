package io.pagehint.tighten.algorithm;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;

/**
 * The compiled {@link LayoutTightener}s of the last few layouts used, most recent first: what a
 * {@link BitmapTightener} of this bundle keeps so that a call allocates nothing but its result. A host
 * migrates a handful of guests at a time, and each tightens many pieces of one layout in a row, so a
 * small array searched by identity, then by equality, finds the tightener without allocating; a layout
 * not among them is compiled and replaces the least recently used one. Bounded, so guest after guest
 * never grows it. Safe to share between threads.
 */
public final class LayoutTightenerCache {

    /** The capacity the tighteners use: more guests than a host migrates at once. */
    public static final int DEFAULT_CAPACITY = 8;

    private final LayoutTightener[] recent;

    /** A cache of {@link #DEFAULT_CAPACITY} layouts. */
    public LayoutTightenerCache() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity how many compiled layouts it keeps, at least 1
     */
    public LayoutTightenerCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a cache keeps at least one layout: " + capacity);
        }
        recent = new LayoutTightener[capacity];
    }

    /**
     * The tightener of {@code layout}, compiled now if it is not among the recent ones.
     *
     * @throws IllegalArgumentException as {@link LayoutTightener#forLayout} does
     */
    public synchronized LayoutTightener get(GuestMemoryLayout layout) {
        int found = -1;
        for (int i = 0; i < recent.length && recent[i] != null && found < 0; i++) {
            if (recent[i].layout() == layout) {
                found = i;
            }
        }
        for (int i = 0; i < recent.length && recent[i] != null && found < 0; i++) {
            if (recent[i].layout().equals(layout)) {
                found = i;
            }
        }
        LayoutTightener t;
        if (found >= 0) {
            t = recent[found];
        } else {
            t = LayoutTightener.forLayout(layout);
            found = recent.length - 1;
        }
        System.arraycopy(recent, 0, recent, 1, found);
        recent[0] = t;
        return t;
    }
}
