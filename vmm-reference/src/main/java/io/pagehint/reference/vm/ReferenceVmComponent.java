package io.pagehint.reference.vm;

import io.pagehint.api.memory.ByteSize;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.reference.layout.LayoutResolver;
import io.pagehint.reference.layout.MachineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running reference guest, offered as an API {@link VirtualMachine} service with its
 * {@code vm.id}: one factory configuration of pid {@value #PID} per guest. The service is
 * registered as soon as a {@link LayoutProvider} for the guest's arch and machine is there and
 * the guest's files open; it goes away when the configuration does.
 */
// The service is registered by hand (once a layout provider is there), so DS cannot declare it: say it here.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"io.pagehint.api.vm.VirtualMachine\"",
        uses = VirtualMachine.class)
@Component(configurationPid = ReferenceVmComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ReferenceVmComponent.Config.class, factory = true)
public final class ReferenceVmComponent {

    public static final String PID = "io.pagehint.guest.vm";

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceVmComponent.class);

    @ObjectClassDefinition(name = "pagehint reference guest", description = "A running reference guest, offered to a migration engine as a VirtualMachine.")
    public @interface Config {
        @AttributeDefinition(name = "VM id", description = "The guest's id, unique in the runtime (the vm.id service property).")
        String vm_id();

        @AttributeDefinition(name = "arch", description = "Architecture, as the layout providers name it.")
        String arch() default "x86_64";

        @AttributeDefinition(name = "machine", description = "Machine type (pc, q35 for x86_64; virt for aarch64).")
        String machine();

        @AttributeDefinition(name = "RAM size", description = "RAM at boot: 512M, 8G, or bytes.")
        String ram_size();

        @AttributeDefinition(name = "machine options", description = "Machine options of the layout provider, each name=value.")
        String[] machine_options() default {};

        @AttributeDefinition(name = "RAM file", description = "The guest's RAM file.")
        String ram_file();

        @AttributeDefinition(name = "dirty-log file", description = "The guest's dirty-log file.")
        String dirty_log_file();

        @AttributeDefinition(name = "control socket", description = "The guest's control socket.")
        String control_socket();

        @AttributeDefinition(name = "control timeout", description = "Seconds to wait for the guest to answer on its control socket.")
        int control_timeout() default 10;
    }

    private final BundleContext context;
    private final Config config;
    private final MachineSpec machine;
    private final LayoutResolver layouts = new LayoutResolver();
    private ReferenceVirtualMachine vm;
    private ServiceRegistration<VirtualMachine> registration;
    private boolean active;

    @Activate
    public ReferenceVmComponent(BundleContext context, Config config) {
        this.context = context;
        this.config = config;
        Map<String, String> options = new HashMap<>();
        for (String nv : config.machine_options()) {
            MachineOptions.put(nv, options);
        }
        this.machine = new MachineSpec(config.arch(), config.machine(), ByteSize.parse("ram.size", config.ram_size()), options);
        synchronized (this) {
            active = true;
            registerIfReady();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addLayoutProvider(LayoutProvider p, Map<String, Object> props) {
        layouts.add(p, props);
        registerIfReady();
    }

    synchronized void removeLayoutProvider(LayoutProvider p) {
        // the guest's layout was fixed when it was registered; a provider leaving changes nothing
        layouts.remove(p);
    }

    private void registerIfReady() {
        if (!active || registration != null) {
            return;
        }
        if (!layouts.serves(machine)) {
            return;
        }
        try {
            vm = ReferenceVirtualMachine.open(config.vm_id(), layouts.apply(machine), Path.of(config.ram_file()),
                    Path.of(config.dirty_log_file()), Path.of(config.control_socket()),
                    Duration.ofSeconds(config.control_timeout()));
        } catch (IOException | RuntimeException e) {
            LOG.error("reference guest {}: cannot open its files: {}", config.vm_id(), e.getMessage());
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VirtualMachine.VM_ID, config.vm_id());
        registration = context.registerService(VirtualMachine.class, vm, props);
        LOG.info("reference guest {} registered: {}", config.vm_id(), vm);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (vm != null) {
            vm.close();
            vm = null;
        }
    }
}
