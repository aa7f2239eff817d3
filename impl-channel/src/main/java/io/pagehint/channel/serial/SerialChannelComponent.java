package io.pagehint.channel.serial;

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
 * One virtio-serial hint port per factory configuration. Needs the guest's
 * {@link VirtualMachine} (selected by {@code vm.target}) for the layout that hints are checked
 * against; when it goes, the port closes. Publishes a {@code HintSource} with
 * {@code pagehint.transport=virtio-serial} and {@code vm.id} while a guest driver is attached.
 */
// the HintSource is registered by hand while a driver is attached, so DS cannot declare it: say so for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.pagehint.api.hint.HintSource", uses = HintSource.class)
@Component(configurationPid = SerialChannelComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SerialChannelConfig.class, factory = true)
public final class SerialChannelComponent {

    /** The factory configuration pid. */
    public static final String PID = "io.pagehint.channel.serial";

    private final SerialChannel channel;

    @Activate
    public SerialChannelComponent(SerialChannelConfig config, BundleContext context,
                                  @Reference(name = "vm") VirtualMachine vm) throws IOException {
        if (!vm.id().equals(config.vm_id())) {
            throw new IllegalStateException("vm.id " + config.vm_id() + " does not match the bound VirtualMachine "
                    + vm.id() + "; set vm.target to (vm.id=" + config.vm_id() + ")");
        }
        SerialSettings settings = new SerialSettings(config.vm_id(), Path.of(config.socket_path()), config.max_frame_bytes(),
                Duration.ofMillis(config.hello_timeout_ms()), Duration.ofMillis(config.response_timeout_ms()),
                config.accept_page_poison());
        channel = SerialChannel.open(settings, vm.layout(), new ServicePublisher(context));
    }

    @Deactivate
    void deactivate() {
        channel.close();
    }
}
