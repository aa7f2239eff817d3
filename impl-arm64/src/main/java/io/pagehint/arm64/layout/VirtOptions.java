package io.pagehint.arm64.layout;

import io.pagehint.api.memory.ByteSize;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.MemorySlots;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machine options a {@code virt} {@link MachineSpec} may carry, parsed and checked. Sizes are
 * written as on QEMU's command line ({@link ByteSize}); switches as QEMU's boolean properties take them
 * ({@code on/off}, {@code yes/no}, {@code true/false}); every option is optional.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>name</th><th>value</th><th>default</th></tr>
 *   <tr><td>{@value #GUEST_PAGE_SIZE}</td><td>4K, 16K or 64K: the guest kernel's page size</td><td>4K</td></tr>
 *   <tr><td>{@value #HOST_PAGE_SIZE}</td><td>4K, 16K, 64K, 2M, 32M, 512M, 1G or 16G: the host pages backing
 *       mach-virt.ram</td><td>4K</td></tr>
 *   <tr><td>{@value #HIGHMEM}</td><td>on/off: whether the guest may use addresses above 4 GiB</td><td>on</td></tr>
 *   <tr><td>{@value #IPA_BITS}</td><td>32..52: the guest-physical address bits KVM gives the VM (its IPA
 *       size)</td><td>40</td></tr>
 *   <tr><td>{@value #DIMMS}</td><td>comma-separated sizes, one pc-dimm each, plugged in this order</td><td>none</td></tr>
 *   <tr><td>{@value #DIMM_HOST_PAGE_SIZE}</td><td>as {@value #HOST_PAGE_SIZE}, for each DIMM</td><td>{@value #HOST_PAGE_SIZE}</td></tr>
 *   <tr><td>{@value #SLOTS}</td><td>memory slots, 0..256 ({@code -m slots=})</td><td>the number of DIMMs</td></tr>
 *   <tr><td>{@value #MAXMEM}</td><td>size ({@code -m maxmem=}): RAM plus room for DIMMs</td><td>RAM plus the DIMMs</td></tr>
 *   <tr><td>{@value #ACPI}</td><td>on/off/auto: DIMMs need ACPI (its generic event device)</td><td>auto (on)</td></tr>
 *   <tr><td>{@code compact-highmem}, {@code highmem-redists}, {@code highmem-ecam}, {@code highmem-mmio}</td>
 *       <td>on/off: accepted and checked; they place MMIO regions above RAM and never move RAM</td><td>on</td></tr>
 * </table>
 */
record VirtOptions(int guestPageSize, long hostPageSize, boolean highmem, int ipaBits, List<Long> dimms,
                   long dimmHostPageSize, int slots, long maxmem, boolean acpi) {

    static final String GUEST_PAGE_SIZE = "guest-page-size";
    static final String HOST_PAGE_SIZE = "host-page-size";
    static final String HIGHMEM = "highmem";
    static final String IPA_BITS = "ipa-bits";
    static final String DIMMS = "dimms";
    static final String DIMM_HOST_PAGE_SIZE = "dimm-host-page-size";
    static final String SLOTS = "slots";
    static final String MAXMEM = "maxmem";
    static final String ACPI = "acpi";
    /** QEMU's switches for the MMIO regions above RAM (hw/arm/virt.c virt_machine_class_init). */
    static final List<String> HIGH_MMIO_SWITCHES = List.of("compact-highmem", "highmem-redists", "highmem-ecam", "highmem-mmio");

    static final Set<String> NAMES = names();

    /**
     * The IPA size KVM gives an arm64 VM whose VMM does not ask for another: 40 bits (KVM_PHYS_SHIFT),
     * which QEMU also falls back to when the host kernel cannot change it (kvm_arm_get_max_vm_ipa_size).
     */
    static final int DEFAULT_IPA_BITS = 40;

    VirtOptions {
        dimms = List.copyOf(dimms);
    }

    /**
     * Reads the options of {@code spec}, whose RAM is {@code ramBytes}.
     *
     * @throws IllegalArgumentException for an unknown option or a value QEMU would refuse
     */
    static VirtOptions parse(MachineSpec spec, long ramBytes) {
        Map<String, String> o = spec.options();
        for (String name : o.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown virt machine option '" + name + "'; known: " + String.join(", ", NAMES));
            }
        }
        for (String name : HIGH_MMIO_SWITCHES) {
            if (o.containsKey(name)) {
                onOff(name, o.get(name));
            }
        }
        int guestPage = ArmPageSizes.guestPageSize(GUEST_PAGE_SIZE, o.getOrDefault(GUEST_PAGE_SIZE, "4K"));
        long hostPage = ArmPageSizes.hostPageSize(HOST_PAGE_SIZE, o.getOrDefault(HOST_PAGE_SIZE, "4K"));
        long dimmHostPage = ArmPageSizes.hostPageSize(DIMM_HOST_PAGE_SIZE,
                o.getOrDefault(DIMM_HOST_PAGE_SIZE, ByteSize.format(hostPage)));
        boolean highmem = !o.containsKey(HIGHMEM) || onOff(HIGHMEM, o.get(HIGHMEM));
        int ipaBits = o.containsKey(IPA_BITS) ? whole(IPA_BITS, o.get(IPA_BITS)) : DEFAULT_IPA_BITS;
        // virt_kvm_type: KVM wants at least 32 bits; the architecture's largest PA range is 52 bits
        if (ipaBits < 32 || ipaBits > 52) {
            throw new IllegalArgumentException(IPA_BITS + "=" + ipaBits + ": an arm64 VM has 32..52 guest-physical address bits");
        }
        List<Long> dimms = sizes(DIMMS, o.getOrDefault(DIMMS, ""));
        long dimmBytes = 0;
        for (long d : dimms) {
            dimmBytes = sum(dimmBytes, d);
        }
        int slots = o.containsKey(SLOTS) ? whole(SLOTS, o.get(SLOTS)) : dimms.size();
        long maxmem = o.containsKey(MAXMEM) ? ByteSize.parse(MAXMEM, o.get(MAXMEM)) : sum(ramBytes, dimmBytes);
        MemorySlots.check(ramBytes, o.containsKey(SLOTS) || !dimms.isEmpty(), slots, maxmem);
        boolean acpi = !o.containsKey(ACPI) || acpi(o.get(ACPI));
        return new VirtOptions(guestPage, hostPage, highmem, ipaBits, dimms, dimmHostPage, slots, maxmem, acpi);
    }

    private static Set<String> names() {
        Set<String> names = new TreeSet<>(List.of(GUEST_PAGE_SIZE, HOST_PAGE_SIZE, HIGHMEM, IPA_BITS, DIMMS,
                DIMM_HOST_PAGE_SIZE, SLOTS, MAXMEM, ACPI));
        names.addAll(HIGH_MMIO_SWITCHES);
        return Collections.unmodifiableSet(names);
    }

    private static List<Long> sizes(String option, String text) {
        List<Long> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String item : text.split(",")) {
            long size = ByteSize.parse(option, item);
            if (size == 0) {
                throw new IllegalArgumentException(option + ": a DIMM of 0 bytes is no DIMM");
            }
            out.add(size);
        }
        return out;
    }

    /** A boolean property as QEMU reads it (qapi_bool_parse). */
    private static boolean onOff(String option, String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true", "y":
                return true;
            case "off", "no", "false", "n":
                return false;
            default:
                throw new IllegalArgumentException(option + "=" + text + ": QEMU wants on or off");
        }
    }

    /** The OnOffAuto acpi property; auto means on when the guest boots firmware, as libvirt's aarch64 guests do. */
    private static boolean acpi(String text) {
        return "auto".equalsIgnoreCase(text.trim()) || onOff(ACPI, text);
    }

    private static int whole(String option, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + "=" + text + " is not a whole number");
        }
    }

    private static long sum(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("memory sizes overflow 64 bits");
        }
    }
}
