package io.pagehint.tighten.whiteboard;

import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.tighten.BitmapTightener;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link BitmapTightener} for each {@link LayoutProvider} service, registered while the provider
 * is: the tightening algorithm is the same for every layout, so an architecture bundle registers
 * layouts only and gets its tightener from here. The tightener carries the provider's
 * {@value LayoutProvider#ARCH} and {@value LayoutProvider#MACHINES} properties as they are (the
 * engine finds it by them), and follows them when the provider's properties change. A provider
 * without an architecture gets no tightener (nothing could find it).
 *
 * <p>The providers are tracked by their references, never got: a provider component stays as lazy as
 * it was. Service events are delivered synchronously, so when a provider's bundle stops, its
 * tightener is gone before the stop returns.
 */
@Component(immediate = true)
public final class TightenerWhiteboard {

    private static final Logger LOG = LoggerFactory.getLogger(TightenerWhiteboard.class);

    /** What is registered for one provider. */
    private record Registered(LayoutBitmapTightener tightener, ServiceRegistration<BitmapTightener> registration) {
    }

    private final ServiceTracker<LayoutProvider, Registered> providers;

    @Activate
    public TightenerWhiteboard(BundleContext context) {
        providers = new ServiceTracker<>(context, LayoutProvider.class, new ServiceTrackerCustomizer<>() {
            @Override
            public Registered addingService(ServiceReference<LayoutProvider> provider) {
                Dictionary<String, Object> props = propertiesFor(provider);
                if (props == null) {
                    LOG.info("layout provider {} of {} has no {} property: no tightener for it",
                            provider.getProperty("service.id"), provider.getBundle(), LayoutProvider.ARCH);
                    return null;
                }
                LayoutBitmapTightener tightener = new LayoutBitmapTightener(served(props));
                ServiceRegistration<BitmapTightener> reg = context.registerService(BitmapTightener.class, tightener, props);
                LOG.debug("registered {} for layout provider {}", tightener, provider.getProperty("service.id"));
                return new Registered(tightener, reg);
            }

            @Override
            public void modifiedService(ServiceReference<LayoutProvider> provider, Registered r) {
                Dictionary<String, Object> props = propertiesFor(provider);
                if (props == null) { // it lost its architecture: its tightener goes
                    providers.remove(provider);
                    return;
                }
                r.tightener().serve(served(props));
                r.registration().setProperties(props);
            }

            @Override
            public void removedService(ServiceReference<LayoutProvider> provider, Registered r) {
                try {
                    r.registration().unregister();
                } catch (IllegalStateException alreadyGone) {
                    // this bundle is stopping: the framework unregistered it first
                }
            }
        });
        providers.open();
    }

    @Deactivate
    void deactivate() {
        providers.close();
    }

    /** The properties of a provider's tightener: its architecture and machine types, or null without an architecture. */
    static Dictionary<String, Object> propertiesFor(ServiceReference<?> provider) {
        Object arch = provider.getProperty(LayoutProvider.ARCH);
        if (!(arch instanceof String)) {
            return null;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(BitmapTightener.ARCH, arch);
        Object machines = provider.getProperty(LayoutProvider.MACHINES);
        if (machines != null) {
            props.put(BitmapTightener.MACHINES, machines);
        }
        return props;
    }

    /** What a tightener with these properties serves. */
    static LayoutBitmapTightener.Served served(Dictionary<String, Object> props) {
        return new LayoutBitmapTightener.Served((String) props.get(BitmapTightener.ARCH), strings(props.get(BitmapTightener.MACHINES)));
    }

    /** A String+ property's values: a String, a String[] or a collection of them. */
    private static Set<String> strings(Object value) {
        Collection<?> values = value == null ? List.of()
                : value instanceof Object[] a ? Arrays.asList(a)
                : value instanceof Collection<?> c ? c
                : List.of(value);
        return values.stream().map(String::valueOf).collect(Collectors.toSet());
    }
}
