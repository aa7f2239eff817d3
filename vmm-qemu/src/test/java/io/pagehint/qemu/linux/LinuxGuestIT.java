package io.pagehint.qemu.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.qemu.launch.GuestLinuxBuild;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real Linux guests (Debian's kernel, pagehint's module and agent from guest-linux/) under QEMU,
 * asked for their free pages over the real virtio-serial port through pagehint's host end, then
 * checked against QEMU's real RAM: at READY the VM is stopped over QMP, the hints are tightened
 * with the q35 layout, and every hinted page is read from the RAM file.
 *
 * <p>Three boots, each shared by the assertions about it (a TCG boot takes 11-24 s):
 * 2 GiB and 4 GiB with init_on_free=1 after writing and freeing most of their memory (every hinted
 * page must read zero; the hinted total must equal MemFree within the per-CPU lists), and a
 * fragmented 2 GiB guest with init_on_free=0, whose freed pages keep what was written in them:
 * there the same check must find non-zero pages (so it can fail), and at least 99 % of the free
 * pages must be hinted although they lie in ~200,000 single-page blocks.
 */
class LinuxGuestIT {

    private static final long GIB = 1L << 30;
    /**
     * Without the agent's pcp= field: the per-CPU free lists of these guests held 3-51 MiB
     * (../shared facts), pages that neither the buddy walk nor MemFree counts, and that move to or
     * from the buddy lists between MEMINFO and the walk.
     */
    private static final long PCP_BOUND_PAGES = (64L << 20) / 4096;

    private static GuestLinuxBuild build;

    @BeforeAll
    static void findGuest() throws Exception {
        build = GuestLinuxBuild.find(java.nio.file.Path.of(System.getProperty("pagehint.guest-linux.dir", "../guest-linux")), null);
    }

    @Test
    void twoGiBAfterChurnHintsOnlyZeroPagesAndAllOfMemFree() throws Exception {
        HintCheck.Result r = HintCheck.run(build, "q35", 2 * GIB, true, "churn:1536");

        assertThat(r.layout().blocks()).hasSize(1);
        assertThat(r.layout().blocks().get(0).ranges()).as("q35 with 2 GiB: all RAM below 4 GiB")
                .containsExactly(new RamRange(0, 2 * GIB, 0));
        assertEqualsMemFree(r);
        assertThat(r.nonZeroPages()).as(HintCheck.describe(r).orElseThrow()).isZero();
        assertThat(r.pagesRead()).isEqualTo(r.hintedPages());
    }

    @Test
    void fourGiBPutsRamAboveFourGiBWhereTheLayoutSaysAndHintsOnlyZeroPages() throws Exception {
        HintCheck.Result r = HintCheck.run(build, "q35", 4 * GIB, true, "churn:3072");

        GuestMemoryLayout layout = r.layout();
        RamBlock ram = layout.blocks().get(0);
        assertThat(ram.ranges()).as("q35 with 4 GiB: 2 GiB below 4 GiB, the rest at 4 GiB = RAM-file offset 2 GiB")
                .containsExactly(new RamRange(0, 2 * GIB, 0), new RamRange(4 * GIB, 2 * GIB, 2 * GIB));
        assertThat(r.layoutProbe()[0]).as("QEMU's pmemsave and the RAM file at the layout's offsets differ").isZero();
        assertThat(r.layoutProbe()[1]).as("a probe held data (an all-zero probe proves nothing)").isPositive();
        assertEqualsMemFree(r);
        assertThat(r.hintedPages()).as("a 4 GiB guest after freeing 3 GiB has more free pages than fit below 4 GiB")
                .isGreaterThan((2 * GIB) / 4096);
        assertThat(r.nonZeroPages()).as(HintCheck.describe(r).orElseThrow()).isZero();
        assertThat(r.pagesRead()).isEqualTo(r.hintedPages());
    }

    @Test
    void fragmentedGuestWithoutInitOnFreeHasNonZeroFreePagesAndGetsAlmostAllHinted() throws Exception {
        HintCheck.Result r = HintCheck.run(build, "q35", 2 * GIB, false, "fragment:400000");

        assertThat(r.nonZeroPages()).as("init_on_free=0: freed pages keep their data, so the check finds some; "
                + HintCheck.describe(r).orElseThrow()).isPositive();
        assertThat(r.ownMappingMismatches()).isZero();
        assertThat((double) r.hintedPages()).as("hinted share of the buddy free pages (MemFree); " + HintCheck.describe(r).orElseThrow())
                .isGreaterThanOrEqualTo(0.99 * r.memInfo().freePages());
        assertThat(r.maxLockUs()).as("the module reports its longest lock hold").isNotNegative();
    }

    /** The hinted total equals MemFree within the per-CPU lists, and the tightener kept every hinted RAM page. */
    private static void assertEqualsMemFree(HintCheck.Result r) {
        long tolerance = r.pcpPages().orElse(PCP_BOUND_PAGES);
        String what = HintCheck.describe(r).orElseThrow() + ", tolerance " + tolerance + " pages";
        assertThat(Math.abs(r.hintedPages() - r.memInfo().freePages())).as(what).isLessThanOrEqualTo(tolerance);
        assertThat(r.walkPages()).as("the agent's walk line counts what was hinted").isEqualTo(r.hintedPages());
        assertThat(r.ownMappingMismatches()).as("tightened bitmap vs the test's own PFN-to-file mapping").isZero();
        assertThat(r.tighten().holeBits()).as("Linux hints no page outside RAM").isZero();
        assertThat(r.tightPages()).isEqualTo(r.hintedPages());
        assertThat(List.of(r.hintedPages())).allMatch(n -> n > 0);
    }
}
