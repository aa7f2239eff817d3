package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.tighten.BitmapTightener;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The architecture bundle can be stopped and started under a running engine: with its layout
 * provider, the tightener the tighten bundle registers for it leaves and comes back, and the engine's migration service stays the same active component
 * throughout, binding the tightener again when it returns (DESIGN: hot swap without restart).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends InFramework {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    ServiceComponentRuntime scr;

    @Test
    public void stoppingTheX86BundleTakesItsTightenerAwayWhileTheEngineStaysActive() throws Exception {
        Bundle x86 = bundle("io.pagehint.x86");
        ServiceTracker<BitmapTightener, BitmapTightener> tighteners = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + BitmapTightener.class.getName() + ")(" + BitmapTightener.ARCH + "=x86_64))"), null);
        tighteners.open(true);
        ServiceReference<MigrationService> engineRef = context.getServiceReference(MigrationService.class);
        assertThat(engineRef).as("the engine's migration service").isNotNull();
        // holding the service keeps the (delayed) engine component active, as a migration would
        MigrationService engine = context.getService(engineRef);
        try {
            assertThat(tighteners.waitForService(TIMEOUT.toMillis())).as("the x86 tightener").isNotNull();
            long tightenerId = serviceId(tighteners.getServiceReference());
            // the tighten bundle registers it for the x86 bundle's layout provider, with the provider's properties
            assertThat(tighteners.getServiceReference().getBundle().getSymbolicName()).isEqualTo("io.pagehint.tighten");
            assertThat((String[]) tighteners.getServiceReference().getProperty(BitmapTightener.MACHINES)).containsExactlyInAnyOrder("pc", "q35");
            ComponentDescriptionDTO engineComponent = componentOf(engineRef);
            ComponentConfigurationDTO before = configuration(engineComponent);
            assertThat(before.state).isEqualTo(ComponentConfigurationDTO.ACTIVE);
            Conditions.await(TIMEOUT, "the engine binds the x86 tightener",
                    () -> boundTighteners(engineRef).contains(tightenerId), () -> "bound " + boundTighteners(engineRef));

            x86.stop();

            // the provider goes, so its tightener goes, and unbinding a dynamic reference is synchronous: gone when stop() returns
            assertThat(tighteners.getServiceReferences()).as("tighteners after x86 stopped").isNull();
            assertThat(boundTighteners(engineRef)).doesNotContain(tightenerId);
            ComponentConfigurationDTO during = configuration(engineComponent);
            assertThat(during.id).as("the same engine component, not a new one").isEqualTo(before.id);
            assertThat(during.state).isEqualTo(ComponentConfigurationDTO.ACTIVE);
            assertThat(context.getService(engineRef)).isSameAs(engine);
            context.ungetService(engineRef);

            x86.start();

            assertThat(tighteners.waitForService(TIMEOUT.toMillis())).as("the x86 tightener is back").isNotNull();
            long newTightenerId = serviceId(tighteners.getServiceReference());
            assertThat(newTightenerId).isNotEqualTo(tightenerId);
            // a greedy rebind of a new service is asynchronous
            Conditions.await(TIMEOUT, "the engine binds the new x86 tightener",
                    () -> boundTighteners(engineRef).contains(newTightenerId), () -> "bound " + boundTighteners(engineRef));
            ComponentConfigurationDTO after = configuration(engineComponent);
            assertThat(after.id).isEqualTo(before.id);
            assertThat(after.state).isEqualTo(ComponentConfigurationDTO.ACTIVE);
        } finally {
            if (x86.getState() != Bundle.ACTIVE) {
                x86.start();
            }
            context.ungetService(engineRef);
            tighteners.close();
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    private ComponentDescriptionDTO componentOf(ServiceReference<?> ref) {
        Object name = ref.getProperty("component.name");
        assertThat(name).as("the migration service is a DS component").isNotNull();
        return scr.getComponentDescriptionDTOs(ref.getBundle()).stream().filter(d -> d.name.equals(name)).findFirst()
                .orElseThrow();
    }

    private ComponentConfigurationDTO configuration(ComponentDescriptionDTO d) {
        List<ComponentConfigurationDTO> configs = List.copyOf(scr.getComponentConfigurationDTOs(d));
        assertThat(configs).as("configurations of " + d.name).hasSize(1);
        return configs.get(0);
    }

    /** Service ids of the tighteners the engine component has bound now. */
    private List<Long> boundTighteners(ServiceReference<MigrationService> engineRef) {
        return Components.boundServiceIds(scr, engineRef, BitmapTightener.class);
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty("service.id");
    }
}
