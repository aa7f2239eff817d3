package io.pagehint.guest.boot;

import io.pagehint.api.memory.LayoutProvider;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code pagehint guest-check}, offered as a {@code ToIntFunction<String[]>} service with
 * {@code pagehint.command=guest-check}: the self-check of a RAM file; exit 0 when it passes.
 */
@Component(service = ToIntFunction.class, property = GuestCommand.COMMAND + "=guest-check")
public final class GuestCheckCommand implements ToIntFunction<String[]> {

    private final LayoutResolver layouts = new LayoutResolver();

    @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLayoutProvider(LayoutProvider p, Map<String, Object> props) {
        layouts.add(p, props);
    }

    void removeLayoutProvider(LayoutProvider p) {
        layouts.remove(p);
    }

    @Override
    public int applyAsInt(String[] args) {
        return GuestLauncher.runCheck(args, layouts, System.out, System.err);
    }
}
