package io.pagehint.x86;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.x86.layout.X86LayoutProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** Layouts for tests, from the options as a command line writes them ({@code "max-ram-below-4g=2G"}). */
public final class TestLayouts {

    private TestLayouts() {
    }

    public static GuestMemoryLayout layout(String machine, long ram, String... options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String opt : options) {
            int eq = opt.indexOf('=');
            o.put(opt.substring(0, eq), opt.substring(eq + 1));
        }
        return new X86LayoutProvider().layout(new MachineSpec("x86_64", machine, ram, o));
    }
}
