package io.pagehint.guest.vcpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkloadDeterminismTest {

    private static final GuestMemoryLayout LAYOUT = TestLayouts.small(64L << 20);

    @Test
    void theSameSeedGivesTheSameRamAndAnotherSeedDoesNot() throws Exception {
        try (ShmDir dir = new ShmDir()) {
            Path a = run(dir, "a", 42);
            Path b = run(dir, "b", 42);
            Path c = run(dir, "c", 43);
            assertThat(Files.mismatch(a, b)).as("byte for byte the same guest RAM").isEqualTo(-1);
            assertThat(Files.mismatch(a, c)).isNotEqualTo(-1);
        }
    }

    /** One vCPU's churn, 3000 operations, driven directly so that no thread timing is involved. */
    private static Path run(ShmDir dir, String name, long seed) throws Exception {
        Path ram = dir.resolve(name + "-ram");
        try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(ram, dir.resolve(name + "-log"), LAYOUT)) {
            GuestKernel kernel = GuestKernel.boot(mem, BootOptions.defaults());
            VcpuContext cpu = new VcpuContext(0, 1, kernel, seed);
            Workload churn = new WorkloadSpec(WorkloadSpec.Kind.CHURN, 0, 0, 0).create(0, 1);
            for (int i = 0; i < 3000; i++) {
                churn.step(cpu);
            }
            assertThat(kernel.anonPages()).isPositive();
            assertThat(kernel.pageCache().cachedPages()).isPositive();
        }
        return ram;
    }
}
