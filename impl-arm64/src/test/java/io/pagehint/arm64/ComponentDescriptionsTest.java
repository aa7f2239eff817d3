package io.pagehint.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.testing.ComponentDescription;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine picks a tightener, and hosts a layout provider, by the service properties: the component
 * descriptions bnd generates from this bundle's annotations must say aarch64 and virt, and nothing else.
 */
class ComponentDescriptionsTest {

    @ParameterizedTest
    @CsvSource({
            "io.pagehint.arm64.layout.VirtLayoutProvider, io.pagehint.api.memory.LayoutProvider"})
    void theServiceIsDeclaredForAarch64Virt(String component, String service) {
        ComponentDescription d = ComponentDescription.of(component, getClass().getClassLoader());
        assertThat(d.provides()).containsExactly(service);
        assertThat(d.property("pagehint.arch")).containsExactly("aarch64");
        assertThat(d.property("pagehint.machine")).containsExactly("virt");
    }
}
