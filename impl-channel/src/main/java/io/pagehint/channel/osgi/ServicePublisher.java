package io.pagehint.channel.osgi;

import io.pagehint.api.hint.HintSource;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Publishes hint sources as OSGi services of the component's bundle. */
public final class ServicePublisher implements HintSourcePublisher {

    private final BundleContext context;

    public ServicePublisher(BundleContext context) {
        this.context = context;
    }

    @Override
    public Publication publish(HintSource source, Map<String, Object> properties) {
        ServiceRegistration<HintSource> reg = context.registerService(HintSource.class, source, new Hashtable<>(properties));
        AtomicBoolean withdrawn = new AtomicBoolean();
        return () -> {
            if (withdrawn.compareAndSet(false, true)) {
                try {
                    reg.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping and the framework withdrew it first
                }
            }
        };
    }
}
