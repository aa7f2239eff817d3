package io.pagehint.runtime.gogo;

import io.pagehint.runtime.cli.PagehintCli;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Offers every {@code pagehint} subcommand that can run inside a session as a Gogo command in
 * scope {@code pagehint}, with the same verb and options: {@code pagehint:info --json},
 * {@code pagehint:layout --machine q35 --ram 8G}. A new subcommand appears here by itself.
 */
@Component(service = {})
public final class GogoCommands {

    /** The Gogo scope of the commands. */
    public static final String SCOPE = "pagehint";
    /** The command's one-line description: a Function has no method for {@code @Descriptor} to sit on. */
    public static final String DESCRIPTION_PROPERTY = "osgi.command.description";

    private final List<ServiceRegistration<Function>> registrations = new ArrayList<>();

    @Activate
    public GogoCommands(BundleContext context) {
        PagehintCli.sessionCommandDescriptions().forEach((name, description) -> {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(CommandProcessor.COMMAND_SCOPE, SCOPE);
            props.put(CommandProcessor.COMMAND_FUNCTION, name);
            // what a shell's help lists beside the name (Karaf's reads it; without it, the name again)
            props.put(DESCRIPTION_PROPERTY, description);
            registrations.add(context.registerService(Function.class, new GogoCommand(context, name), props));
        });
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }
}
