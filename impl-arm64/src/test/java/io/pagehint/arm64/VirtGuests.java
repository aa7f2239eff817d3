package io.pagehint.arm64;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.tighten.testing.NamedLayout;
import io.pagehint.arm64.layout.VirtLayoutProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** virt guests for the tests, written as a QEMU command line would: {@code -m <ram> -machine virt,<options>}. */
public final class VirtGuests {

    private VirtGuests() {
    }

    /** The layout of a virt guest of {@code ram} bytes with options {@code name=value}. */
    public static GuestMemoryLayout layout(long ram, String... options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String opt : options) {
            int eq = opt.indexOf('=');
            o.put(opt.substring(0, eq), opt.substring(eq + 1));
        }
        return new VirtLayoutProvider().layout(new MachineSpec("aarch64", "virt", ram, o));
    }

    /** The same, named as its command line for a test report. */
    public static NamedLayout named(long ram, String... options) {
        String name = "virt -m " + (ram >> 20) + "M " + String.join(",", options);
        return new NamedLayout(name.trim(), layout(ram, options));
    }
}
