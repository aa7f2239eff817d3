package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.tighten.BitmapTightener;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * The tighten bundle's whiteboard in a real framework: a {@link BitmapTightener} is registered for
 * every {@link LayoutProvider} while the provider is, with the provider's architecture and machine
 * types, and tightens the layouts of those machines. Service events are synchronous, so each change
 * is visible when the call that caused it returns.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TightenerWhiteboardIT extends InFramework {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long M = 1L << 20;

    @Test
    public void aTightenerComesAndGoesWithEachLayoutProviderAndCarriesItsArchitectureAndMachines() throws Exception {
        awaitService(BitmapTightener.class, "(" + BitmapTightener.ARCH + "=x86_64)"); // the whiteboard is up
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(LayoutProvider.ARCH, "toy64");
        props.put(LayoutProvider.MACHINES, new String[] {"small", "large"});
        ServiceRegistration<LayoutProvider> provider = context.registerService(LayoutProvider.class,
                spec -> toyLayout(spec.machine()), props);
        try {
            ServiceReference<BitmapTightener> ref = only(tighteners("toy64"));
            assertThat(ref.getBundle().getSymbolicName()).isEqualTo("io.pagehint.tighten");
            assertThat((String[]) ref.getProperty(BitmapTightener.MACHINES)).containsExactly("small", "large");
            long id = (Long) ref.getProperty("service.id");

            // it tightens a layout of its machines, and refuses another machine's
            BitmapTightener tightener = context.getService(ref);
            try {
                GuestMemoryLayout small = toyLayout("small");
                LooseFreePageBitmap loose = LooseFreePageBitmap.forLayout(small);
                loose.bits().setRange(0, 100);
                assertThat(tightener.tighten(small, loose, new TightFreePageBitmap(small)).freePages()).isEqualTo(100);
                GuestMemoryLayout other = toyLayout("other");
                assertThatThrownBy(() -> tightener.tighten(other, LooseFreePageBitmap.forLayout(other), new TightFreePageBitmap(other)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toy64/other");
            } finally {
                context.ungetService(ref);
            }

            // the provider's machines change: so do the tightener's, on the same registration
            props.put(LayoutProvider.MACHINES, "other");
            provider.setProperties(props);
            ServiceReference<BitmapTightener> after = only(tighteners("toy64"));
            assertThat(after.getProperty("service.id")).isEqualTo(id);
            assertThat(after.getProperty(BitmapTightener.MACHINES)).isEqualTo("other");

            provider.unregister();
            provider = null;
            assertThat(tighteners("toy64")).as("tighteners once the provider is gone").isEmpty();
        } finally {
            if (provider != null) {
                provider.unregister();
            }
        }
    }

    @Test
    public void aProviderWithoutAnArchitectureGetsNoTightener() throws Exception {
        awaitService(BitmapTightener.class, "(" + BitmapTightener.ARCH + "=x86_64)");
        int before = tighteners("*").size();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(LayoutProvider.MACHINES, "small");
        ServiceRegistration<LayoutProvider> provider = context.registerService(LayoutProvider.class, spec -> toyLayout("small"), props);
        try {
            assertThat(context.getServiceReferences(BitmapTightener.class, null)).hasSize(before);
        } finally {
            provider.unregister();
        }
    }

    @Test
    public void stoppingTheTightenBundleTakesEveryTightenerAwayAndStartingItBringsThemBack() throws Exception {
        awaitService(BitmapTightener.class, "(" + BitmapTightener.ARCH + "=aarch64)");
        Bundle tighten = Arrays.stream(context.getBundles()).filter(b -> "io.pagehint.tighten".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        tighten.stop();
        try {
            assertThat(context.getServiceReferences(BitmapTightener.class, null)).as("tighteners with the bundle stopped").isEmpty();
        } finally {
            tighten.start();
        }
        Conditions.await(TIMEOUT, "a tightener for each architecture bundle's provider",
                () -> tighteners("x86_64").size() == 1 && tighteners("aarch64").size() == 1,
                () -> "x86_64: " + tighteners("x86_64") + ", aarch64: " + tighteners("aarch64"));
    }

    private List<ServiceReference<BitmapTightener>> tighteners(String arch) {
        try {
            return List.copyOf(context.getServiceReferences(BitmapTightener.class, "(" + BitmapTightener.ARCH + "=" + arch + ")"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static <T> T only(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    /** 8 MiB of RAM from 0 in one block of 4 KiB pages. */
    private static GuestMemoryLayout toyLayout(String machine) {
        return new GuestMemoryLayout("toy64", machine, 4096,
                List.of(new RamBlock(0, "ram", 8 * M, 4096, List.of(new RamRange(0, 8 * M, 0)))), List.of());
    }
}
