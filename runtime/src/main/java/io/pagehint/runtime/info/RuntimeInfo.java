package io.pagehint.runtime.info;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * What runs in a framework, as {@code pagehint info} reports it: the bundles with their state, and
 * the pagehint services with their properties. A snapshot; nothing waits.
 *
 * @param framework  the framework bundle's symbolic name
 * @param version    its version
 * @param startLevel the framework's active start level
 * @param bundles    by bundle id
 * @param services   for each kind of {@link ServiceKind#ALL}, its services by service id
 */
public record RuntimeInfo(String framework, String version, int startLevel, List<BundleRow> bundles,
                          Map<ServiceKind, List<ServiceRow>> services) {

    /** A bundle: id, name, version, state ({@code ACTIVE}, {@code RESOLVED}, ...) and start level. */
    public record BundleRow(long id, String symbolicName, String version, String state, int startLevel) {
    }

    /** A service: its id, the bundle that registered it, and every property, by name. */
    public record ServiceRow(long id, long bundleId, String bundle, Map<String, Object> properties) {
    }

    /** Takes the snapshot. */
    public static RuntimeInfo of(BundleContext context) {
        Bundle system = context.getBundle(0);
        List<BundleRow> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleStartLevel level = b.adapt(BundleStartLevel.class);
            bundles.add(new BundleRow(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(), state(b),
                    level == null ? 0 : level.getStartLevel()));
        }
        Map<ServiceKind, List<ServiceRow>> services = new LinkedHashMap<>();
        for (ServiceKind kind : ServiceKind.ALL) {
            services.put(kind, services(context, kind.type().getName()));
        }
        return new RuntimeInfo(system.getSymbolicName(), system.getVersion().toString(),
                system.adapt(FrameworkStartLevel.class).getStartLevel(), bundles, services);
    }

    private static List<ServiceRow> services(BundleContext context, String type) {
        ServiceReference<?>[] refs;
        try {
            // all, not only those wired to our copy of the API: info is for finding such mismatches
            refs = context.getAllServiceReferences(type, null);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError("no filter given", e);
        }
        List<ServiceReference<?>> sorted = new ArrayList<>(refs == null ? List.of() : Arrays.asList(refs));
        sorted.sort((a, b) -> Long.compare(id(a), id(b)));
        List<ServiceRow> rows = new ArrayList<>();
        for (ServiceReference<?> ref : sorted) {
            Map<String, Object> props = new TreeMap<>();
            for (String key : ref.getPropertyKeys()) {
                props.put(key, ref.getProperty(key));
            }
            Bundle owner = ref.getBundle();
            rows.add(new ServiceRow(id(ref), owner == null ? -1 : owner.getBundleId(),
                    owner == null ? "(unregistered)" : owner.getSymbolicName(), props));
        }
        return rows;
    }

    private static long id(ServiceReference<?> ref) {
        return (Long) ref.getProperty(org.osgi.framework.Constants.SERVICE_ID);
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + b.getState() + ")";
        };
    }
}
