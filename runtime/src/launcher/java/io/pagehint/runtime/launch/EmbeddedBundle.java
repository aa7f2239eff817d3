package io.pagehint.runtime.launch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bundle packed into pagehint.jar at {@code bundles/<start level>-<group>/<file>.jar}: the folder
 * name carries the start level, so the build's layout of that folder is the one list of bundles
 * and levels (the itests read the same folder from {@code runtime/target/bundles}).
 *
 * @param entry      the jar entry, also the bundle's location in the framework
 * @param startLevel the start level, from 1
 */
record EmbeddedBundle(String entry, int startLevel) implements Comparable<EmbeddedBundle> {

    private static final Pattern ENTRY = Pattern.compile("bundles/(\\d+)-[^/]+/[^/]+\\.jar");

    /** The bundle an entry of pagehint.jar holds, or null when the entry is no bundle. */
    static EmbeddedBundle of(String entry) {
        Matcher m = ENTRY.matcher(entry);
        if (!m.matches()) {
            return null;
        }
        int level = Integer.parseInt(m.group(1));
        if (level < 1) {
            throw new IllegalStateException("start levels begin at 1: " + entry);
        }
        return new EmbeddedBundle(entry, level);
    }

    /** Lower levels first; within a level, by name, so installation (and start) order is stable. */
    @Override
    public int compareTo(EmbeddedBundle o) {
        int c = Integer.compare(startLevel, o.startLevel);
        return c != 0 ? c : entry.compareTo(o.entry);
    }
}
