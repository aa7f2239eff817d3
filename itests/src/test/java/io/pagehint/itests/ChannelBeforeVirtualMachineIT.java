package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.VirtualMachine;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

/**
 * The setup of a real VMM: the channel bundle is deployed without the reference guest, so no
 * {@code VirtualMachine} exists. The bundle resolves and starts; a serial channel configured for a
 * guest waits for that guest's {@code VirtualMachine}, binds it when the VMM registers it (its port's
 * socket appears), and lets it go when it goes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChannelBeforeVirtualMachineIT extends InFramework {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String COMPONENT = "io.pagehint.channel.serial.SerialChannelComponent";

    @Inject
    ConfigurationAdmin configurations;

    @Inject
    ServiceComponentRuntime scr;

    @Inject
    @Filter("(pagehint.arch=x86_64)")
    LayoutProvider layouts;

    /**
     * No reference VMM adapter (the bundle that offers VirtualMachine services), and so neither the
     * guest bundle, the command line nor the end-to-end benchmark (they import its packages).
     */
    @Override
    @Configuration
    public Option[] config() {
        return RuntimeBundles.options(b -> !b.file().getName().startsWith("io.pagehint.reference-")
                && !b.file().getName().startsWith("io.pagehint.guest-")
                && !b.file().getName().startsWith("io.pagehint.runtime-")
                && !b.file().getName().startsWith("io.pagehint.benche2e-"));
    }

    @Test
    public void theChannelStartsWithoutAVirtualMachineAndBindsOneWhenItAppears() throws Exception {
        Bundle channel = bundle("io.pagehint.channel");
        assertThat(channel.getState()).as("io.pagehint.channel state").isEqualTo(Bundle.ACTIVE);
        assertThat(context.getServiceReferences(VirtualMachine.class, null)).as("VirtualMachine services").isEmpty();

        Path dir = Files.createTempDirectory("pagehint-channel-first-");
        Path socket = dir.resolve("vm-late.serial");
        org.osgi.service.cm.Configuration config = configurations.createFactoryConfiguration("io.pagehint.channel.serial", "?");
        ServiceRegistration<VirtualMachine> vm = null;
        try {
            config.update(new Hashtable<>(Map.of("vm.id", "vm-late", "vm.target", "(vm.id=vm-late)",
                    "socket.path", socket.toString())));
            Conditions.await(TIMEOUT, "the channel waits for its VirtualMachine",
                    () -> state().filter(s -> s == ComponentConfigurationDTO.UNSATISFIED_REFERENCE).isPresent(),
                    () -> "state " + state());
            assertThat(socket).as("no port before the guest exists").doesNotExist();

            vm = context.registerService(VirtualMachine.class, layoutOnly("vm-late",
                    layouts.layout(new MachineSpec("x86_64", "q35", 256L << 20))), new Hashtable<>(Map.of(VirtualMachine.VM_ID, "vm-late")));
            Conditions.await(TIMEOUT, "the channel binds the VirtualMachine and opens its port",
                    () -> Files.exists(socket) && state().filter(s -> s == ComponentConfigurationDTO.ACTIVE).isPresent(),
                    () -> "state " + state() + ", socket exists " + Files.exists(socket));

            vm.unregister();
            vm = null;
            Conditions.await(TIMEOUT, "the channel lets the gone VirtualMachine go and closes its port",
                    () -> !Files.exists(socket) && state().filter(s -> s == ComponentConfigurationDTO.UNSATISFIED_REFERENCE).isPresent(),
                    () -> "state " + state() + ", socket exists " + Files.exists(socket));
        } finally {
            if (vm != null) {
                vm.unregister();
            }
            config.delete();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private Optional<Integer> state() {
        return Components.configuration(scr, COMPONENT).map(c -> c.state);
    }

    /** A VMM's guest as far as a channel needs it: an id and a layout; nothing else is touched. */
    private static VirtualMachine layoutOnly(String id, GuestMemoryLayout layout) {
        return (VirtualMachine) Proxy.newProxyInstance(VirtualMachine.class.getClassLoader(), new Class<?>[] {VirtualMachine.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "id" -> id;
                    case "layout" -> layout;
                    case "toString" -> "VirtualMachine " + id;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName() + " is not needed by a channel");
                });
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
