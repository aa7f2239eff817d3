package io.pagehint.x86.layout;

import static io.pagehint.x86.layout.Sizes.KiB;
import static io.pagehint.x86.layout.Sizes.MiB;

import io.pagehint.api.memory.ReservedRange;
import java.util.ArrayList;
import java.util.List;

/**
 * What the e820 map of a QEMU guest booted with SeaBIOS (QEMU's default PC firmware) marks reserved,
 * or leaves out although RAM backs it. The ranges under 1 MiB lie inside pc.ram: a guest that calls
 * one of those pages free is misbehaving. The others lie in the 32-bit PCI hole and are listed so
 * that a printed layout reads like the guest's own e820 map.
 *
 * <ul>
 *   <li>{@code [0x9fc00, 0xa0000)}: the Extended BIOS Data Area, 1 KiB below 640 KiB (SeaBIOS
 *       src/post.c bda_init; EBDA_SEGMENT_START in src/biosvar.h).</li>
 *   <li>{@code [0xa0000, 0xf0000)}: the legacy VGA window and the option-ROM area. RAM backs it in
 *       pc.ram, but VGA and PAM regions sit on top of it and SeaBIOS removes it from the e820 map
 *       (src/malloc.c malloc_preinit).</li>
 *   <li>{@code [0xf0000, 0x100000)}: the BIOS itself (src/malloc.c, BUILD_BIOS_ADDR).</li>
 *   <li>q35 only: {@code [0xb0000000, +256 MiB)} PCIe MMCONFIG and {@code [0xfed1c000, +16 KiB)} the ICH9
 *       root complex register block (src/fw/pciinit.c mch_mem_addr_setup and mch_isa_bridge_setup).</li>
 *   <li>{@code [0xfeffc000, +16 KiB)}: KVM's EPT identity map and TSS (QEMU target/i386/kvm/kvm.c
 *       kvm_arch_init).</li>
 *   <li>{@code [0xfffc0000, 4 GiB)}: the BIOS flash at the top of 4 GiB (src/fw/paravirt.c qemu_preinit).</li>
 *   <li>AMD guests of machine types 7.1 and newer whose CPU has 40 or more physical address bits:
 *       the HyperTransport range {@code [0xfd00000000, 1 TiB)} (hw/i386/pc.c pc_memory_init).</li>
 * </ul>
 *
 * <p>SeaBIOS also reserves a few hundred KiB at the top of low RAM for its tables, an amount that
 * depends on the firmware build; that is firmware memory the guest never frees, so it is not listed.
 */
final class FirmwareReservedRanges {

    private FirmwareReservedRanges() {
    }

    static List<ReservedRange> of(X86MachineType type, X86Options o) {
        List<ReservedRange> r = new ArrayList<>();
        r.add(new ReservedRange(0x9_fc00L, 1 * KiB, "EBDA (extended BIOS data area)"));
        r.add(new ReservedRange(0xa_0000L, 0x5_0000L, "legacy VGA window and option ROMs, left out of the e820 map"));
        r.add(new ReservedRange(0xf_0000L, 64 * KiB, "BIOS"));
        if (type == X86MachineType.Q35) {
            r.add(new ReservedRange(0xb000_0000L, 256 * MiB, "PCIe MMCONFIG"));
            r.add(new ReservedRange(0xfed1_c000L, 16 * KiB, "ICH9 root complex register block"));
        }
        r.add(new ReservedRange(0xfeff_c000L, 16 * KiB, "KVM identity map and TSS"));
        r.add(new ReservedRange(0xfffc_0000L, 256 * KiB, "BIOS flash"));
        if (o.cpuVendor() == CpuVendor.AMD && X86MachineType.enforceAmd1TbHole(o.version()) && o.physBits() >= 40) {
            r.add(new ReservedRange(HighMemory.AMD_HT_START, HighMemory.AMD_HT_END - HighMemory.AMD_HT_START,
                    "AMD HyperTransport"));
        }
        return r;
    }
}
