package io.pagehint.reference.layout;

import java.util.Map;

/** The grammar of a machine option of a layout provider, as commands and configurations give it. */
public final class MachineOptions {

    private MachineOptions() {
    }

    /** Adds a machine option {@code name=value} to {@code into}. */
    public static void put(String nv, Map<String, String> into) {
        int eq = nv.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a machine option is name=value, not " + nv);
        }
        into.put(nv.substring(0, eq), nv.substring(eq + 1));
    }
}
