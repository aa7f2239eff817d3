package io.pagehint.runtime.info;

import java.io.PrintWriter;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.osgi.framework.Constants;

/** {@code pagehint info} for people. */
public final class InfoText {

    private InfoText() {
    }

    public static void print(RuntimeInfo info, PrintWriter out) {
        out.printf("%s %s, start level %d%n%n", info.framework(), info.version(), info.startLevel());
        out.printf("Bundles (%d)%n", info.bundles().size());
        out.printf("  %4s  %-11s  %5s  %-44s  %s%n", "ID", "STATE", "LEVEL", "BUNDLE", "VERSION");
        for (RuntimeInfo.BundleRow b : info.bundles()) {
            out.printf("  %4d  %-11s  %5d  %-44s  %s%n", b.id(), b.state(), b.startLevel(), b.symbolicName(), b.version());
        }
        for (Map.Entry<ServiceKind, List<RuntimeInfo.ServiceRow>> e : info.services().entrySet()) {
            ServiceKind kind = e.getKey();
            out.printf("%n%s (%s): %d%n", kind.title(), kind.type().getSimpleName(), e.getValue().size());
            for (RuntimeInfo.ServiceRow s : e.getValue()) {
                out.printf("  service %d from %s [%d]%n", s.id(), s.bundle(), s.bundleId());
                s.properties().forEach((key, value) -> {
                    if (!key.equals(Constants.OBJECTCLASS)) {
                        out.printf("      %s = %s%n", key, text(value));
                    }
                });
            }
        }
    }

    /** Arrays as {@code [a, b]}, everything else by its toString. */
    static String text(Object value) {
        if (value == null || !value.getClass().isArray()) {
            return String.valueOf(value);
        }
        StringJoiner items = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < Array.getLength(value); i++) {
            items.add(text(Array.get(value, i)));
        }
        return items.toString();
    }
}
