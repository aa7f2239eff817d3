package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** The runtime's bundles, booted in Felix as pagehint boots them, all come up. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FrameworkHealthIT extends InFramework {

    @Inject
    ServiceComponentRuntime scr;

    @Test
    public void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " (state " + b.getState() + ")");
            }
        }
        assertThat(notActive).as("bundles not active").isEmpty();
        for (String bsn : List.of("io.pagehint.api", "io.pagehint.tighten", "io.pagehint.x86", "io.pagehint.arm64", "io.pagehint.channel",
                "io.pagehint.engine", "io.pagehint.reference", "io.pagehint.guest", "io.pagehint.runtime", "org.apache.felix.scr", "slf4j.simple")) {
            assertThat(List.of(context.getBundles())).extracting(Bundle::getSymbolicName).as("installed").contains(bsn);
        }
    }

    @Test
    public void everyComponentIsSatisfiedOrWaitsForTheConfigurationItRequires() {
        assertThat(Components.problems(scr)).as("components that are not satisfied").isEmpty();
        assertThat(scr.getComponentDescriptionDTOs()).extracting(d -> d.name)
                .contains("io.pagehint.runtime.cli.CommandLineService", "io.pagehint.runtime.gogo.GogoCommands");
    }
}
