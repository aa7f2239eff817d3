package io.pagehint.tighten.whiteboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.tighten.BitmapTightener;
import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

/**
 * What the whiteboard registers for a provider: the provider's architecture and machine types, as the
 * provider has them, and a tightener that serves exactly those. (That it registers and unregisters
 * one as providers come and go, in a real framework: {@code itests} {@code HotSwapIT}.)
 */
class LayoutBitmapTightenerTest {

    private static final long G = 1L << 30;

    private static GuestMemoryLayout layout(String arch, String machine) {
        return new GuestMemoryLayout(arch, machine, 4096,
                List.of(new RamBlock(0, "ram", G, 4096, List.of(new RamRange(G, G, 0)))), List.of());
    }

    /** A service reference with these properties and nothing else. */
    private static ServiceReference<?> provider(Map<String, Object> props) {
        return (ServiceReference<?>) Proxy.newProxyInstance(getClass0(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> method.getName().equals("getProperty") ? props.get((String) args[0]) : null);
    }

    private static ClassLoader getClass0() {
        return LayoutBitmapTightenerTest.class.getClassLoader();
    }

    @Test
    void aTightenerServesItsArchitecturesMachinesAndRefusesEveryOtherLayout() {
        LayoutBitmapTightener t = LayoutBitmapTightener.serving("x86_64", "pc", "q35");
        GuestMemoryLayout q35 = layout("x86_64", "q35");
        t.tighten(q35, LooseFreePageBitmap.forLayout(q35), new TightFreePageBitmap(q35));
        for (GuestMemoryLayout other : List.of(layout("aarch64", "virt"), layout("x86_64", "microvm"))) {
            assertThatThrownBy(() -> t.tighten(other, LooseFreePageBitmap.forLayout(other), new TightFreePageBitmap(other)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(other.arch() + "/" + other.machine()).hasMessageContaining("x86_64 pc, q35");
        }
    }

    @Test
    void whatItServesCanChangeWhileItIsRegistered() {
        LayoutBitmapTightener t = LayoutBitmapTightener.serving("aarch64", "virt");
        GuestMemoryLayout sbsa = layout("aarch64", "sbsa-ref");
        t.serve(new LayoutBitmapTightener.Served("aarch64", Set.of("virt", "sbsa-ref")));
        assertThat(t.tighten(sbsa, LooseFreePageBitmap.forLayout(sbsa), new TightFreePageBitmap(sbsa)).freePages()).isZero();
    }

    @Test
    void theTightenerCarriesTheProvidersArchitectureAndMachinesAsTheProviderHasThem() {
        Dictionary<String, Object> x86 = TightenerWhiteboard.propertiesFor(provider(Map.of(LayoutProvider.ARCH, "x86_64",
                LayoutProvider.MACHINES, new String[] {"pc", "q35"}, "component.name", "x")));
        assertThat(x86.size()).as("only the two properties").isEqualTo(2);
        assertThat(x86.get(BitmapTightener.ARCH)).isEqualTo("x86_64");
        assertThat((String[]) x86.get(BitmapTightener.MACHINES)).containsExactly("pc", "q35");
        assertThat(TightenerWhiteboard.served(x86)).isEqualTo(new LayoutBitmapTightener.Served("x86_64", Set.of("pc", "q35")));

        Dictionary<String, Object> virt = TightenerWhiteboard.propertiesFor(provider(Map.of(LayoutProvider.ARCH, "aarch64",
                LayoutProvider.MACHINES, "virt")));
        assertThat(virt.get(BitmapTightener.MACHINES)).isEqualTo("virt");
        assertThat(TightenerWhiteboard.served(virt).machines()).containsExactly("virt");
    }

    @Test
    void aProviderWithoutAnArchitectureGetsNoTightener() {
        assertThat(TightenerWhiteboard.propertiesFor(provider(Map.of(LayoutProvider.MACHINES, "virt")))).isNull();
    }
}
