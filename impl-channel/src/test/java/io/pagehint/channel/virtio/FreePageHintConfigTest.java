package io.pagehint.channel.virtio;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What an operator can set on a virtio device: its metatype, generated from {@link FreePageHintConfig}. */
class FreePageHintConfigTest {

    @Test
    void anOperatorCanSetTheDeviceButNoTestKnob() {
        assertThat(Arrays.stream(FreePageHintConfig.class.getDeclaredMethods()).map(Method::getName))
                .as("test knobs (a slow device) are reachable from tests only, through FreePageHintChannel.open")
                .containsExactlyInAnyOrder("vm_id", "vm_target", "doorbell_path", "queue_size", "response_timeout_ms");
    }
}
