package io.pagehint.bench.bitmap;

import io.pagehint.api.bitmap.PageBitmap;
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
 * The migration-bitmap filter of section 5 ({@code migration &= ~tight}) on a whole guest: the
 * work the engine does when a complete free-page bitmap arrives. Target: 8 GiB in 50 us or less.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MigrationFilterBenchmark {

    @Param({"8", "1024"})
    public int guestGiB;

    private PageBitmap migration;
    private PageBitmap tight;

    @Setup(Level.Trial)
    public void makeTight() {
        long pages = (long) guestGiB << 18;
        tight = new PageBitmap(pages);
        // an idle guest: most of RAM free, in long runs, some used pages scattered
        SplittableRandom rnd = new SplittableRandom(1);
        tight.setAll();
        for (int i = 0; i < 1000; i++) {
            long at = rnd.nextLong(pages - 4096);
            tight.clearRange(at, at + rnd.nextInt(4096));
        }
        migration = new PageBitmap(pages);
    }

    @Setup(Level.Invocation)
    public void fillMigrationBitmap() {
        migration.setAll();
    }

    @Benchmark
    public long filter() {
        return migration.andNot(tight);
    }
}
