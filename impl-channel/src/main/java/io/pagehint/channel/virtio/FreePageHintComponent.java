package io.pagehint.channel.virtio;

import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.channel.osgi.ServicePublisher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import io.pagehint.api.hint.HintSource;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One virtio free-page-hint device per factory configuration, on the guest's
 * {@link VirtualMachine} (selected by {@code vm.target}): its layout checks hints and its
 * {@code deviceMemory()} carries the virtqueues. Publishes a {@code HintSource} with
 * {@code pagehint.transport=virtio-balloon} and {@code vm.id} while a driver is ready.
 */
// the HintSource is registered by hand while a driver is attached, so DS cannot declare it: say so for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.pagehint.api.hint.HintSource", uses = HintSource.class)
@Component(configurationPid = FreePageHintComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FreePageHintConfig.class, factory = true)
public final class FreePageHintComponent {

    /** The factory configuration pid. */
    public static final String PID = "io.pagehint.channel.virtio";

    private final FreePageHintChannel channel;

    @Activate
    public FreePageHintComponent(FreePageHintConfig config, BundleContext context,
                                 @Reference(name = "vm") VirtualMachine vm) throws IOException {
        if (!vm.id().equals(config.vm_id())) {
            throw new IllegalStateException("vm.id " + config.vm_id() + " does not match the bound VirtualMachine "
                    + vm.id() + "; set vm.target to (vm.id=" + config.vm_id() + ")");
        }
        VirtioSettings settings = new VirtioSettings(config.vm_id(), Path.of(config.doorbell_path()), config.queue_size(),
                Duration.ofMillis(config.response_timeout_ms()));
        channel = FreePageHintChannel.open(settings, vm.layout(), vm.deviceMemory(), new ServicePublisher(context));
    }

    @Deactivate
    void deactivate() {
        channel.close();
    }
}
