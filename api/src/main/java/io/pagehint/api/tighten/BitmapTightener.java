package io.pagehint.api.tighten;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns a loose free-page bitmap (indexed by guest page frame number, holes included) into a tight
 * one (indexed per RAM block by page offset, like the migration bitmap): section 5 and API 7c of
 * the design note, done in the host. One is registered as a service with {@link #ARCH} and
 * {@link #MACHINES} for each {@code LayoutProvider} (the {@code io.pagehint.tighten} bundle does it,
 * copying the provider's properties); the engine picks the one whose properties match the guest's
 * {@link GuestMemoryLayout#arch()} and {@link GuestMemoryLayout#machine()}.
 *
 * <p>Promises every implementation keeps, whatever the loose bitmap holds:
 * <ul>
 *   <li>a tight bit is set only where the loose bit of the same guest page is set;</li>
 *   <li>loose bits in holes or reserved ranges are never copied; they are counted in
 *       {@link TightenResult#holeBits()};</li>
 *   <li>a tight bit is set only if every guest page of its host page is free in the loose bitmap
 *       (a huge host page is skipped whole or not at all); the pages left set because their host
 *       page was only partly free are counted in {@link TightenResult#partialHostPageBits()};</li>
 *   <li>it works a word at a time, not a bit at a time, and allocates nothing per call beyond its result.</li>
 * </ul>
 */
@ConsumerType
public interface BitmapTightener {

    /** Service property (String): the architecture served, as in {@link GuestMemoryLayout#arch()}. */
    String ARCH = "pagehint.arch";
    /** Service property (String+): the machine types served, as in {@link GuestMemoryLayout#machine()}. */
    String MACHINES = "pagehint.machine";

    /**
     * Recomputes the tight bits of every host page that holds a guest page with a PFN in
     * {@code [fromPfn, toPfn)}, from the loose bitmap as it is now. Tight bits outside those host
     * pages are left alone, so a loose bitmap that arrives in pieces can be tightened piece by
     * piece, and a host page becomes free once its last guest page has arrived.
     *
     * @param layout the guest's layout; {@code into.layout()} must equal it
     * @param loose  the loose bitmap; PFNs beyond its end count as not free
     * @param into   the tight bitmap to update
     */
    TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                          TightFreePageBitmap into);

    /** Tightens the whole loose bitmap into {@code into} (API 7c: {@code tighten_free_page_bmap}). */
    default TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, TightFreePageBitmap into) {
        return tighten(layout, loose, 0, Math.max(loose.pfnLimit(), layout.pfnLimit()), into);
    }
}
