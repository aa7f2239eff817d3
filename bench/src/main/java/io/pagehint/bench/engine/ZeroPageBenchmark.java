package io.pagehint.bench.engine;

import io.pagehint.bench.memory.OneBlock;
import io.pagehint.engine.memory.BlockViews;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The source's zero-page check ({@link BlockViews#isZeroPage}) over 64 MiB of zeroed, populated
 * memory (beyond the caches, like guest RAM): every page is zero, so every byte is read. Reported
 * per page; 4096 bytes / score = bytes a second. Target: at least the zero scan `pagehint bench`
 * measures as the machine's limit on the same machine (a mismatch against a zero page).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ZeroPageBenchmark {

    private static final int PAGE = OneBlock.PAGE;
    private static final int BYTES = 64 << 20;
    private static final int PAGES = BYTES / PAGE;

    private BlockViews views;
    private ByteBuffer memory;
    private final ByteBuffer zero = ByteBuffer.allocateDirect(PAGE);

    @Setup
    public void zeroedMemory() {
        memory = ByteBuffer.allocateDirect(BYTES);
        views = new BlockViews(OneBlock.layout(BYTES), BYTES, (block, offset, length) -> memory.slice((int) offset, length));
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public int engineCheck() {
        int zeros = 0;
        for (long p = 0; p < PAGES; p++) {
            if (views.isZeroPage(0, p)) {
                zeros++;
            }
        }
        return zeros;
    }

    /** The machine's limit as `pagehint bench` measures it. */
    @Benchmark
    @OperationsPerInvocation(PAGES)
    public int mismatchWithZeroPage() {
        int zeros = 0;
        for (int at = 0; at < BYTES; at += PAGE) {
            if (memory.slice(at, PAGE).mismatch(zero) < 0) {
                zeros++;
            }
        }
        return zeros;
    }
}
