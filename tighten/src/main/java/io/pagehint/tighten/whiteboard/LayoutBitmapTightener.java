package io.pagehint.tighten.whiteboard;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.tighten.algorithm.LayoutTightener;
import io.pagehint.tighten.algorithm.LayoutTightenerCache;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tightener of the machines one layout provider serves: it checks that a layout is one of them
 * (the provider's architecture and machine types, as registered) and delegates to the layout's
 * compiled {@link LayoutTightener}, keeping those of recent layouts ({@link LayoutTightenerCache}) so
 * that a call allocates nothing but its result. What it serves can change while it is registered
 * (the provider's properties were modified), so it is read once per call.
 */
public final class LayoutBitmapTightener implements BitmapTightener {

    private static final Logger LOG = LoggerFactory.getLogger(LayoutBitmapTightener.class);

    /** An architecture and its machine types. */
    public record Served(String arch, Set<String> machines) {
        public Served {
            machines = Set.copyOf(machines);
        }

        boolean serves(GuestMemoryLayout layout) {
            return arch.equals(layout.arch()) && machines.contains(layout.machine());
        }

        @Override
        public String toString() {
            return arch + " " + String.join(", ", machines.stream().sorted().toList());
        }
    }

    private final LayoutTightenerCache compiled = new LayoutTightenerCache();
    private volatile Served served;

    public LayoutBitmapTightener(Served served) {
        this.served = served;
    }

    /** The tightener of {@code machines} of {@code arch}, as the whiteboard registers it for their provider. */
    public static LayoutBitmapTightener serving(String arch, String... machines) {
        return new LayoutBitmapTightener(new Served(arch, Set.of(machines)));
    }

    /** Serves {@code served} from now on. */
    void serve(Served served) {
        this.served = served;
    }

    public Served served() {
        return served;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the layout is not of an architecture and machine type this
     *                                  tightener serves, or the bitmaps do not belong to it
     */
    @Override
    public TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                                 TightFreePageBitmap into) {
        Served now = served;
        if (!now.serves(layout)) {
            throw new IllegalArgumentException("not a layout this tightener serves (" + now + "): " + layout.arch() + "/"
                    + layout.machine());
        }
        TightenResult r = compiled.get(layout).tighten(loose, fromPfn, toPfn, into);
        if (r.holeBits() != 0) {
            LOG.debug("guest called {} pages free that are not its usable RAM (PFNs {}..{})", r.holeBits(), fromPfn, toPfn);
        }
        return r;
    }

    @Override
    public String toString() {
        return "LayoutBitmapTightener[" + served + "]";
    }
}
