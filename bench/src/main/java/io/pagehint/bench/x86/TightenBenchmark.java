package io.pagehint.bench.x86;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.x86.layout.X86LayoutProvider;
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
 * Tightening a whole loose bitmap from an idle guest (most of its RAM free, in long runs, with used
 * pages scattered): the host's share of getting a free-page bitmap. Targets: 8 GiB q35 in 100 us or
 * less, 1 TiB in 20 ms or less (median). Setup prints the bitmaps' memory per guest page
 * (target: loose + tight at most 2 bits).
 *
 * <p>{@code java -jar bench/target/benchmarks.jar x86.TightenBenchmark -wi 2 -i 3 -f 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class TightenBenchmark {

    /** machine, RAM, options (comma-separated name=value; ';' between options). */
    @Param({"q35 8G", "q35 8G host-page-size=2M", "q35 1T phys-bits=41", "q35 1T phys-bits=41;host-page-size=1G",
            "pc 8G machine-version=1.7;host-page-size=1G", "pc 8G max-ram-below-4g=3221229568"})
    public String guest;

    private final BitmapTightener tightener = LayoutBitmapTightener.serving("x86_64", "pc", "q35");
    private GuestMemoryLayout layout;
    private LooseFreePageBitmap loose;
    private TightFreePageBitmap tight;

    @Setup(Level.Trial)
    public void idleGuest() {
        layout = new X86LayoutProvider().layout(spec(guest));
        loose = LooseFreePageBitmap.forLayout(layout);
        SplittableRandom rnd = new SplittableRandom(1);
        // free: all RAM the guest has, minus a few thousand used stretches
        layout.ramRanges().forEach(r -> loose.bits().setRange(r.guestPhysAddr() / 4096, r.guestPhysEnd() / 4096));
        long pages = layout.pfnLimit();
        for (long i = 0; i < pages / 20_000; i++) {
            long at = rnd.nextLong(pages - 4096);
            loose.bits().clearRange(at, at + rnd.nextInt(4096));
        }
        tight = new TightFreePageBitmap(layout);
        TightenResult r = tightener.tighten(layout, loose, tight);
        long bytes = loose.bits().allocatedBytes();
        for (int b = 0; b < layout.blocks().size(); b++) {
            bytes += tight.block(b).allocatedBytes();
        }
        System.out.printf("%n%s: %d guest pages, %d free after tightening; bitmaps %d bytes = %.4f bits per guest page%n",
                guest, layout.ramPages(), r.freePages(), bytes, bytes * 8.0 / layout.ramPages());
    }

    @Benchmark
    public TightenResult tightenWhole() {
        return tightener.tighten(layout, loose, tight);
    }

    static MachineSpec spec(String text) {
        String[] parts = text.split(" ");
        Map<String, String> options = new java.util.LinkedHashMap<>();
        if (parts.length > 2) {
            for (String o : parts[2].split(";")) {
                options.put(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
            }
        }
        long ram = Long.parseLong(parts[1].substring(0, parts[1].length() - 1)) << (parts[1].endsWith("T") ? 40 : 30);
        return new MachineSpec("x86_64", parts[0], ram, options);
    }
}
