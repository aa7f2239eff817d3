package io.pagehint.channel.osgi;

import io.pagehint.api.hint.HintSource;
import java.util.Map;

/**
 * Makes a hint source visible to consumers while a guest is attached, and withdraws it when the
 * guest goes. In the framework it registers an OSGi service; tests record what happens.
 */
@FunctionalInterface
public interface HintSourcePublisher {

    /** Publishes {@code source} with {@code properties}; the returned handle withdraws it. */
    Publication publish(HintSource source, Map<String, Object> properties);

    /** A published source. */
    @FunctionalInterface
    interface Publication {
        /** Withdraws the source; idempotent, never throws. */
        void withdraw();
    }
}
