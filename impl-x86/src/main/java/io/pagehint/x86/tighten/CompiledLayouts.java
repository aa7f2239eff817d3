package io.pagehint.x86.tighten;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.LayoutTightener;

/**
 * The compiled tighteners of the last few layouts used, most recent first. A host migrates a handful
 * of guests at a time, and each tightens many pieces of one layout in a row, so a small array searched
 * by identity, then by equality, finds the tightener without allocating; a layout not among them is
 * compiled and replaces the least recently used one. Bounded, so guest after guest never grows it.
 */
final class CompiledLayouts {

    static final int DEFAULT_CAPACITY = 8;

    private final LayoutTightener[] recent;

    CompiledLayouts(int capacity) {
        recent = new LayoutTightener[capacity];
    }

    /** The tightener of {@code layout}, compiled now if it is not among the recent ones. */
    synchronized LayoutTightener get(GuestMemoryLayout layout) {
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
