package io.pagehint.qemu.vm;

import io.pagehint.api.memory.ByteSize;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmControl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running QEMU guest offered as an API {@link VirtualMachine} with its {@code vm.id}: one
 * factory configuration of pid {@value #PID} per guest. Its layout comes from the
 * {@link LayoutProvider} that {@code layout.target} selects (set it to
 * {@code (&(pagehint.arch=<arch>)(pagehint.machine=<machine>))}); the service comes and goes
 * with the configuration. The guest serves hint requests only ({@link QemuVirtualMachine#NO_DIRTY_LOG}).
 */
@Component(configurationPid = QemuVmComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = VirtualMachine.class)
@Designate(ocd = QemuVmComponent.Config.class, factory = true)
public final class QemuVmComponent implements VirtualMachine {

    public static final String PID = "io.pagehint.qemu.vm";

    private static final Logger LOG = LoggerFactory.getLogger(QemuVmComponent.class);

    @ObjectClassDefinition(name = "pagehint QEMU guest",
            description = "A running QEMU guest with its RAM in a shared memory-backend-file, offered for hint requests (not migration).")
    public @interface Config {
        @AttributeDefinition(name = "VM id", description = "The guest's id, unique in the runtime (the vm.id service property).")
        String vm_id();

        @AttributeDefinition(name = "arch", description = "Architecture, as the layout providers name it.")
        String arch() default "x86_64";

        @AttributeDefinition(name = "machine", description = "QEMU machine type (pc, q35).")
        String machine();

        @AttributeDefinition(name = "RAM size", description = "The guest's -m: 512M, 8G, or bytes.")
        String ram_size();

        @AttributeDefinition(name = "machine options", description = "Machine options of the layout provider, each name=value.")
        String[] machine_options() default {};

        @AttributeDefinition(name = "RAM file", description = "The mem-path of the guest's memory-backend-file (share=on).")
        String ram_file();

        @AttributeDefinition(name = "QMP socket", description = "A QMP UNIX socket of the guest (-qmp unix:<path>,server=on,wait=off).")
        String qmp_socket();

        @AttributeDefinition(name = "QMP timeout", description = "Milliseconds to wait for QEMU to answer a QMP command.")
        long qmp_timeout_ms() default 10_000;

        @AttributeDefinition(name = "layout provider filter", description = "Target filter of the layout reference: (&(pagehint.arch=<arch>)(pagehint.machine=<machine>)).")
        String layout_target();
    }

    private final QemuVirtualMachine vm;

    @Activate
    public QemuVmComponent(Config config, @Reference(name = "layout") LayoutProvider provider) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (String nv : config.machine_options()) {
            int eq = nv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("machine option " + nv + " is not name=value");
            }
            options.put(nv.substring(0, eq), nv.substring(eq + 1));
        }
        MachineSpec spec = new MachineSpec(config.arch(), config.machine(), ByteSize.parse("ram.size", config.ram_size()), options);
        // the provider refuses a machine type it does not serve (layout.target chose it by arch and machine)
        GuestMemoryLayout layout = provider.layout(spec);
        vm = QemuVirtualMachine.open(config.vm_id(), layout, Path.of(config.ram_file()), Path.of(config.qmp_socket()),
                Duration.ofMillis(config.qmp_timeout_ms()));
        LOG.info("QEMU guest {} registered: {}", config.vm_id(), vm);
    }

    @Deactivate
    void deactivate() {
        vm.close();
    }

    @Override
    public String id() {
        return vm.id();
    }

    @Override
    public GuestMemoryLayout layout() {
        return vm.layout();
    }

    @Override
    public GuestRam ram() {
        return vm.ram();
    }

    @Override
    public DirtyLog dirtyLog() {
        return vm.dirtyLog();
    }

    @Override
    public VmControl control() {
        return vm.control();
    }

    @Override
    public DeviceMemory deviceMemory() {
        return vm.deviceMemory();
    }

    @Override
    public Optional<String> migrationRefusal() {
        return vm.migrationRefusal();
    }
}
