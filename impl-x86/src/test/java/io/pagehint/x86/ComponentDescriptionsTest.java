package io.pagehint.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.testing.ComponentDescription;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine and the runtime find this bundle's services by their properties; the component
 * descriptions bnd generates from the annotations must say x86_64 and both machine types.
 */
class ComponentDescriptionsTest {

    @ParameterizedTest
    @CsvSource({
            "io.pagehint.x86.layout.X86LayoutProvider, io.pagehint.api.memory.LayoutProvider"})
    void theServiceIsDeclaredForX86PcAndQ35(String component, String service) {
        ComponentDescription d = ComponentDescription.of(component, getClass().getClassLoader());
        assertThat(d.provides()).containsExactly(service);
        assertThat(d.property("pagehint.arch")).containsExactly("x86_64");
        assertThat(d.property("pagehint.machine")).containsExactlyInAnyOrder("pc", "q35");
    }
}
