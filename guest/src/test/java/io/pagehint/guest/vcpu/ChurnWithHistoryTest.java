package io.pagehint.guest.vcpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChurnWithHistoryTest {

    private static final GuestMemoryLayout LAYOUT = TestLayouts.small(64L << 20);
    private static final long HISTORY = 24L << 20;

    @Test
    void churnWithASizeFirstUsesAndFreesItSoFreeMemoryIsDirtyThenChurns() throws Exception {
        try (ShmDir dir = new ShmDir()) {
            Path ram = dir.resolve("ram");
            try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(ram, dir.resolve("log"), LAYOUT)) {
                GuestKernel kernel = GuestKernel.boot(mem, BootOptions.defaults());
                long freeAtBoot = kernel.freePages();
                long populatedAtBoot = ShmDir.allocatedBytes(ram);
                VcpuContext cpu = new VcpuContext(0, 1, kernel, 5);
                WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Kind.CHURN, 0, 0, HISTORY);
                Workload w = spec.create(0, 1);

                Set<String> names = new LinkedHashSet<>();
                for (int i = 0; i < 1_000_000 && !w.name().equals("churn"); i++) {
                    names.add(w.name());
                    w.step(cpu);
                }
                assertThat(names).as("the history shows under used-then-freed's phases, so a host waits for it")
                        .containsExactly("used-then-freed:filling", "used-then-freed:freeing");
                assertThat(w.name()).isEqualTo("churn");
                assertThat(kernel.anonPages()).as("the history freed everything it used").isZero();
                assertThat(kernel.freePages()).isEqualTo(freeAtBoot);
                assertThat(ShmDir.allocatedBytes(ram) - populatedAtBoot)
                        .as("the freed memory stays written, not holes").isGreaterThanOrEqualTo(HISTORY);

                for (int i = 0; i < 3000; i++) {
                    w.step(cpu);
                }
                assertThat(kernel.anonPages()).as("then it churns").isPositive();
                assertThat(kernel.pageCache().cachedPages()).isPositive();
            }
        }
        assertThat(spec(0).create(0, 1).name()).as("without a size, churn starts at once").isEqualTo("churn");
        assertThat(spec(HISTORY).toString()).isEqualTo("churn:unlimited,after:24MiB");
    }

    private static WorkloadSpec spec(long bytes) {
        return new WorkloadSpec(WorkloadSpec.Kind.CHURN, 0, 0, bytes);
    }
}
