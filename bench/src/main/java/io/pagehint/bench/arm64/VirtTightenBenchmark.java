package io.pagehint.bench.arm64;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.arm64.layout.VirtLayoutProvider;
import io.pagehint.tighten.whiteboard.LayoutBitmapTightener;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tightening the whole loose bitmap of an idle 8 GiB guest of QEMU's Arm virt machine (RAM from 1 GiB,
 * so the loose bitmap also spans the 1 GiB hole below it), with 4 KiB and with 64 KiB guest pages: the
 * work the source does when a complete free-page bitmap has arrived. With 64 KiB pages there are 16
 * times fewer bits to move. Run: {@code java -jar bench/target/benchmarks.jar VirtTighten -wi 2 -i 3 -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VirtTightenBenchmark {

    @Param({"4K", "64K"})
    public String guestPageSize;

    private final BitmapTightener tightener = LayoutBitmapTightener.serving("aarch64", "virt");
    private GuestMemoryLayout layout;
    private LooseFreePageBitmap loose;
    private TightFreePageBitmap tight;

    @Setup(Level.Trial)
    public void idleGuest() {
        layout = new VirtLayoutProvider().layout(new MachineSpec("aarch64", "virt", 8L << 30,
                Map.of("guest-page-size", guestPageSize)));
        loose = LooseFreePageBitmap.forLayout(layout);
        // an idle guest: RAM free in long runs but for a hundred used stretches of up to 16 MiB (about 10 %),
        // the same bytes whatever the page size
        long first = (1L << 30) / layout.guestPageSize();
        long pages = layout.ramPages();
        long maxStretch = (16L << 20) / layout.guestPageSize();
        loose.bits().setRange(first, first + pages);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            long at = first + rnd.nextLong(pages - maxStretch);
            loose.bits().clearRange(at, at + rnd.nextLong(maxStretch));
        }
        tight = new TightFreePageBitmap(layout);
    }

    @Benchmark
    public TightenResult tightenWhole() {
        return tightener.tighten(layout, loose, tight);
    }
}
