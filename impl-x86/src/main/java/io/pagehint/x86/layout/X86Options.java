package io.pagehint.x86.layout;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.MemorySlots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machine options an x86 {@link MachineSpec} may carry, parsed and checked. Sizes are written as
 * on QEMU's command line ({@link Sizes}); every option is optional.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>name</th><th>value</th><th>default</th></tr>
 *   <tr><td>{@value #MAX_RAM_BELOW_4G}</td><td>size, at most 4G, a multiple of 4K; 0 means the default</td>
 *       <td>the machine's own split (pc: 3.5 GiB, 3 GiB for large guests; q35: 2.75 GiB, 2 GiB for large guests)</td></tr>
 *   <tr><td>{@value #HOST_PAGE_SIZE}</td><td>4K, 2M or 1G: the host pages backing pc.ram</td><td>4K</td></tr>
 *   <tr><td>{@value #DIMMS}</td><td>comma-separated sizes, one pc-dimm each, plugged in this order</td><td>none</td></tr>
 *   <tr><td>{@value #DIMM_HOST_PAGE_SIZE}</td><td>4K, 2M or 1G: the host pages backing each DIMM</td><td>{@value #HOST_PAGE_SIZE}</td></tr>
 *   <tr><td>{@value #SLOTS}</td><td>memory slots, 0..256 ({@code -m slots=})</td><td>the number of DIMMs</td></tr>
 *   <tr><td>{@value #MAXMEM}</td><td>size ({@code -m maxmem=}): RAM plus room for DIMMs</td><td>RAM plus the DIMMs</td></tr>
 *   <tr><td>{@value #CPU_VENDOR}</td><td>intel or amd</td><td>intel</td></tr>
 *   <tr><td>{@value #PHYS_BITS}</td><td>32..52, the guest CPU's physical address bits</td><td>40, as QEMU's default</td></tr>
 *   <tr><td>{@value #PCI_HOLE64_SIZE}</td><td>size of the 64-bit PCI window after RAM</td><td>pc: 2G, q35: 32G</td></tr>
 *   <tr><td>{@value #MACHINE_VERSION}</td><td>the QEMU machine-type version, 1.4 or newer, or latest</td><td>latest</td></tr>
 * </table>
 */
record X86Options(long maxRamBelow4g, long hostPageSize, List<Long> dimms, long dimmHostPageSize, int slots,
                  long maxmem, CpuVendor cpuVendor, int physBits, long pciHole64Size, MachineVersion version) {

    static final String MAX_RAM_BELOW_4G = "max-ram-below-4g";
    static final String HOST_PAGE_SIZE = "host-page-size";
    static final String DIMMS = "dimms";
    static final String DIMM_HOST_PAGE_SIZE = "dimm-host-page-size";
    static final String SLOTS = "slots";
    static final String MAXMEM = "maxmem";
    static final String CPU_VENDOR = "cpu-vendor";
    static final String PHYS_BITS = "phys-bits";
    static final String PCI_HOLE64_SIZE = "pci-hole64-size";
    static final String MACHINE_VERSION = "machine-version";

    static final Set<String> NAMES = new TreeSet<>(List.of(MAX_RAM_BELOW_4G, HOST_PAGE_SIZE, DIMMS, DIMM_HOST_PAGE_SIZE,
            SLOTS, MAXMEM, CPU_VENDOR, PHYS_BITS, PCI_HOLE64_SIZE, MACHINE_VERSION));

    /** QEMU's default physical address width for x86 CPU models (TCG_PHYS_ADDR_BITS in target/i386/cpu.h). */
    static final int DEFAULT_PHYS_BITS = 40;

    X86Options {
        dimms = List.copyOf(dimms);
    }

    /**
     * Reads the options of {@code spec} for a machine of type {@code type}, whose RAM is {@code ramBytes}.
     *
     * @throws IllegalArgumentException for an unknown option or a value QEMU would refuse
     */
    static X86Options parse(X86MachineType type, MachineSpec spec, long ramBytes) {
        Map<String, String> o = spec.options();
        for (String name : o.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown x86 machine option '" + name + "'; known: " + String.join(", ", NAMES));
            }
        }
        long below = o.containsKey(MAX_RAM_BELOW_4G) ? Sizes.parse(MAX_RAM_BELOW_4G, o.get(MAX_RAM_BELOW_4G)) : 0;
        // hw/i386/pc.c pc_machine_set_max_ram_below_4g refuses more than 4 GiB
        if (below > 4 * Sizes.GiB) {
            throw new IllegalArgumentException(MAX_RAM_BELOW_4G + "=" + o.get(MAX_RAM_BELOW_4G) + " is more than 4G, which QEMU refuses");
        }
        if (below % 4096 != 0) {
            throw new IllegalArgumentException(MAX_RAM_BELOW_4G + "=" + o.get(MAX_RAM_BELOW_4G)
                    + " is not a multiple of 4K: KVM maps guest RAM in whole pages");
        }
        long hostPage = hostPageSize(HOST_PAGE_SIZE, o.getOrDefault(HOST_PAGE_SIZE, "4K"));
        long dimmHostPage = hostPageSize(DIMM_HOST_PAGE_SIZE, o.getOrDefault(DIMM_HOST_PAGE_SIZE, Sizes.format(hostPage)));
        List<Long> dimms = new ArrayList<>();
        String dimmText = o.getOrDefault(DIMMS, "").trim();
        if (!dimmText.isEmpty()) {
            for (String d : dimmText.split(",")) {
                long size = Sizes.parse(DIMMS, d);
                if (size <= 0) {
                    throw new IllegalArgumentException(DIMMS + ": a DIMM needs a positive size, not '" + d + "'");
                }
                dimms.add(size);
            }
        }
        long dimmTotal = 0;
        for (long d : dimms) {
            dimmTotal = addExact(DIMMS, dimmTotal, d);
        }
        int slots = o.containsKey(SLOTS) ? intOption(SLOTS, o.get(SLOTS)) : dimms.size();
        long maxmem = o.containsKey(MAXMEM) ? Sizes.parse(MAXMEM, o.get(MAXMEM)) : addExact(MAXMEM, ramBytes, dimmTotal);
        MemorySlots.check(ramBytes, o.containsKey(SLOTS) || !dimms.isEmpty(), slots, maxmem);
        CpuVendor vendor = CpuVendor.parse(o.getOrDefault(CPU_VENDOR, "intel"));
        int physBits = o.containsKey(PHYS_BITS) ? intOption(PHYS_BITS, o.get(PHYS_BITS)) : DEFAULT_PHYS_BITS;
        // target/i386/cpu.c x86_cpu_realizefn: phys-bits must lie between 32 and TARGET_PHYS_ADDR_SPACE_BITS (52)
        if (physBits < 32 || physBits > 52) {
            throw new IllegalArgumentException(PHYS_BITS + "=" + physBits + ": QEMU wants 32..52");
        }
        long hole64 = o.containsKey(PCI_HOLE64_SIZE) ? Sizes.parse(PCI_HOLE64_SIZE, o.get(PCI_HOLE64_SIZE)) : type.defaultPciHole64Size();
        MachineVersion version = MachineVersion.parse(o.getOrDefault(MACHINE_VERSION, "latest"));
        return new X86Options(below, hostPage, dimms, dimmHostPage, slots, maxmem, vendor, physBits, hole64, version);
    }

    private static long hostPageSize(String name, String text) {
        long size = Sizes.parse(name, text);
        if (size != 4 * Sizes.KiB && size != 2 * Sizes.MiB && size != Sizes.GiB) {
            throw new IllegalArgumentException(name + "=" + text + ": an x86 host page is 4K, 2M or 1G");
        }
        return size;
    }

    private static int intOption(String name, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a whole number");
        }
    }

    private static long addExact(String what, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + ": sizes overflow 64 bits");
        }
    }
}
