package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.api.vm.VmProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * A host runtime deploys no kernel model: without the guest bundle, the reference guest's VMM
 * adapter (io.pagehint.reference) and the command line resolve and start, and a destination the
 * provisioner prepares says its guest was not checked, and why, instead of passing it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostWithoutGuestIT extends InFramework {

    @Inject
    ServiceComponentRuntime scr;

    @Override
    @Configuration
    public Option[] config() {
        return RuntimeBundles.options(b -> !b.file().getName().startsWith("io.pagehint.guest-"));
    }

    @Test
    public void theReferenceAdapterAndTheCommandLineRunWithoutTheGuestBundle() throws Exception {
        List<String> pagehint = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("io.pagehint.")) {
                pagehint.add(b.getSymbolicName());
                assertThat(b.getState()).as(b.getSymbolicName() + " state").isEqualTo(Bundle.ACTIVE);
            }
        }
        assertThat(pagehint).contains("io.pagehint.reference", "io.pagehint.runtime").doesNotContain("io.pagehint.guest");
        assertThat(Components.problems(scr)).as("components that are not satisfied").isEmpty();

        VmProvisioner provisioner = awaitService(VmProvisioner.class, "");
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-host-only-");
        Path ram = dir.resolve("g1.ram");
        IncomingVm incoming = provisioner.prepareIncoming("g1", new MachineSpec("x86_64", "q35", 64L << 20),
                Map.of("ram.file", ram.toString()));
        try {
            SelfCheckResult result = incoming.verify();
            assertThat(result.isNotChecked()).as("a received guest with no self-check deployed: " + result).isTrue();
            assertThat(result.problems()).singleElement().asString().contains("io.pagehint.guest");
        } finally {
            incoming.abandon();
            incoming.close();
            Files.deleteIfExists(ram);
            Files.deleteIfExists(dir);
        }
    }
}
