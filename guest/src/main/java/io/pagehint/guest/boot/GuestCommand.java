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
 * {@code pagehint guest}, offered to the runtime's command line as a
 * {@code ToIntFunction<String[]>} service with {@code pagehint.command=guest}: takes the command's
 * arguments, runs the guest in this process until it is told to quit, returns the exit code. There
 * only when some layout provider is.
 */
@Component(service = ToIntFunction.class, property = GuestCommand.COMMAND + "=guest")
public final class GuestCommand implements ToIntFunction<String[]> {

    /** Service property: the command a {@code ToIntFunction<String[]>} runs. */
    public static final String COMMAND = "pagehint.command";

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
        return GuestLauncher.runGuest(args, layouts, System.out, System.err);
    }
}
