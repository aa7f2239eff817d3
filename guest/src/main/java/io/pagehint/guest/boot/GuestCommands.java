package io.pagehint.guest.boot;

import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.reference.layout.LayoutResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code pagehint guest} and {@code pagehint guest-check}, offered to the runtime's command line
 * as {@code ToIntFunction<String[]>} services with {@value #COMMAND}{@code =guest} and
 * {@code =guest-check}: each takes its command's arguments and returns the exit code
 * ({@link GuestLauncher}). There while some layout provider is.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"java.util.function.ToIntFunction\"")
@Component(service = {})
public final class GuestCommands {

    /** Service property: the command a {@code ToIntFunction<String[]>} runs. */
    public static final String COMMAND = "pagehint.command";

    private final LayoutResolver layouts = new LayoutResolver();
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLayoutProvider(LayoutProvider p, Map<String, Object> props) {
        layouts.add(p, props);
    }

    void removeLayoutProvider(LayoutProvider p) {
        layouts.remove(p);
    }

    @Activate
    void activate(BundleContext context) {
        register(context, "guest", args -> GuestLauncher.runGuest(args, layouts, System.out, System.err));
        register(context, "guest-check", args -> GuestLauncher.runCheck(args, layouts, System.out, System.err));
    }

    private void register(BundleContext context, String command, ToIntFunction<String[]> run) {
        registrations.add(context.registerService(ToIntFunction.class, run,
                new java.util.Hashtable<>(Map.of(COMMAND, command))));
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }
}
