package io.pagehint.reference.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The factory pid of the reference guest's adapter is what operators write in {@code etc/*.cfg}
 * (and the runtime's demo and receive configure): a public contract, kept as
 * {@code io.pagehint.guest.vm} though the adapter lives in this bundle. The test reads what bnd
 * wrote from the annotations, which is what Configuration Admin and Metatype see.
 */
class ConfigurationPidTest {

    private static final String PID = "io.pagehint.guest.vm";

    @Test
    void theComponentAndItsMetatypeKeepThePidOperatorsUse() throws IOException {
        assertThat(ReferenceVmComponent.PID).isEqualTo(PID);
        String component = resource("OSGI-INF/" + ReferenceVmComponent.class.getName() + ".xml");
        assertThat(component).contains("configuration-pid=\"" + PID + "\"")
                .contains("configuration-policy=\"require\"");
        String metatype = resource("OSGI-INF/metatype/" + ReferenceVmComponent.Config.class.getName() + ".xml");
        assertThat(metatype).contains("factoryPid=\"" + PID + "\"");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ConfigurationPidTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as("%s, written by bnd", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
