package io.pagehint.bench.guest;

import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.BootOptions.FreeBitmapMode;
import io.pagehint.guest.kernel.GuestKernel;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Section 4 of the design note: how long the guest takes to produce its loose free-page bitmap,
 * handed out in pieces of 4096 words (256 Ki pages) as the serial driver asks for them.
 *
 * <ul>
 *   <li>{@code boot}: an 8 GiB q35 guest just after boot with 1 GiB in use (about 7 GiB free, in
 *       4 MiB blocks). Targets: 4a (walk) at most 5 ms (the note measured about 20 ms), 4b (kept)
 *       at most 1 ms.</li>
 *   <li>{@code fragmented}: 7 GiB free, all of it in order-0 pages (every other page used), which
 *       needs a 16 GiB guest: the worst case of the walk.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FreePageBitmapBenchmark {

    static final long GIB = 1L << 30;

    @Param({"WALK", "KEPT"})
    public FreeBitmapMode mode;

    @Param({"boot", "fragmented"})
    public String shape;

    private BenchGuest guest;
    private long[] bitmap;

    @Setup(Level.Trial)
    public void bootGuest() {
        guest = new BenchGuest(ramBytes(shape), new BootOptions(false, false, false, mode));
        GuestKernel k = guest.kernel;
        shape(k, shape);
        bitmap = new long[(int) ((k.geometry().pfnLimit() + 63) >>> 6)];
        System.out.printf("%n%s guest, %s: %d free pages%n", shape, mode, k.freePages());
    }

    /** The RAM of a guest of {@code shape} ({@code boot} or {@code fragmented}); the channel benchmark uses the same guests. */
    public static long ramBytes(String shape) {
        return shape.equals("fragmented") ? 16 * GIB : 8 * GIB;
    }

    /** Brings a freshly booted guest of {@link #ramBytes} into {@code shape}: about 7 GiB free, in 4 MiB blocks or in single pages. */
    public static void shape(GuestKernel k, String shape) {
        if (shape.equals("fragmented")) {
            fragment(k, 7 * GIB / 4096);
        } else {
            for (long used = 0; used < GIB / 4096; used += 512) {
                k.allocAnonBlock(0, 9); // a THP-sized chunk of anonymous memory, never written
            }
        }
    }

    /** Allocates every page, then frees every other one until {@code freePages} are free: no two free pages are buddies. */
    private static void fragment(GuestKernel k, long freePages) {
        long[] firsts = new long[(int) (k.geometry().totalPages() / 512) + 1];
        int n = 0;
        for (long first = k.allocAnonBlock(0, 9); first >= 0; first = k.allocAnonBlock(0, 9)) {
            firsts[n++] = first;
        }
        long freed = 0;
        for (int i = 0; i < n && freed < freePages; i++) {
            for (long pfn = firsts[i]; pfn < firsts[i] + 512 && freed < freePages; pfn += 2) {
                k.freeAnon(pfn);
                freed++;
            }
        }
    }

    @TearDown(Level.Trial)
    public void shutDown() {
        guest.close();
    }

    @Benchmark
    public long looseBitmap() {
        long[] set = {0};
        guest.kernel.freePageBitmap(false, 4096, (firstPfn, words, length) -> {
            System.arraycopy(words, 0, bitmap, (int) (firstPfn >>> 6), length);
            set[0] += length;
        });
        return set[0];
    }
}
