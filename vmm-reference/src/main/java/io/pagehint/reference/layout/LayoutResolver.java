package io.pagehint.reference.layout;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The layout providers bound to a component, found by the arch and machine type they serve
 * ({@link LayoutProvider#ARCH}, {@link LayoutProvider#MACHINES}): how a guest, its command and its
 * host adapters get a machine's layout in a runtime.
 */
public final class LayoutResolver implements Function<MachineSpec, GuestMemoryLayout> {

    private record Bound(LayoutProvider provider, Map<String, Object> props) {
    }

    private final List<Bound> bound = new CopyOnWriteArrayList<>();

    public void add(LayoutProvider p, Map<String, Object> props) {
        bound.add(new Bound(p, props));
    }

    public void remove(LayoutProvider p) {
        bound.removeIf(b -> b.provider == p);
    }

    /** Whether some bound provider serves {@code spec}'s arch and machine type. */
    public boolean serves(MachineSpec spec) {
        return find(spec) != null;
    }

    /**
     * The layout of {@code spec}.
     *
     * @throws IllegalArgumentException when no provider serves it, or the provider rejects it
     */
    @Override
    public GuestMemoryLayout apply(MachineSpec spec) {
        LayoutProvider p = find(spec);
        if (p == null) {
            throw new IllegalArgumentException("no layout provider for " + spec.arch() + " machine " + spec.machine());
        }
        return p.layout(spec);
    }

    private LayoutProvider find(MachineSpec spec) {
        for (Bound b : bound) {
            if (spec.arch().equals(b.props.get(LayoutProvider.ARCH)) && servesMachine(b.props.get(LayoutProvider.MACHINES), spec.machine())) {
                return b.provider;
            }
        }
        return null;
    }

    private static boolean servesMachine(Object machines, String machine) {
        if (machines instanceof String s) {
            return s.equals(machine);
        }
        if (machines instanceof String[] a) {
            return List.of(a).contains(machine);
        }
        return machines instanceof Collection<?> c && c.contains(machine);
    }
}
