package io.pagehint.bench.destination;

import io.pagehint.bench.memory.OneBlock;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.reference.ram.IncomingRam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How the destination puts received pages into guest RAM that holds no memory yet (a fresh
 * sparse tmpfs RAM file, as every migration starts with), per 4 KiB page, from a 1 MiB staging
 * buffer as the engine's PageWriter has them: {@code positionalWrite} is {@code pwrite}
 * ({@link IncomingRam#write}, what the reference guest's IncomingVm does), {@code storeThroughMapping}
 * copies into a writable view (the API's default), taking a page fault per page. 64 MiB per
 * invocation, into a new file each time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IncomingRamBenchmark {

    private static final int PAGE = OneBlock.PAGE;
    private static final int BYTES = 64 << 20;
    private static final int PAGES = BYTES / PAGE;
    private static final int STAGING = 1 << 20;

    private final GuestMemoryLayout layout = OneBlock.layout(BYTES);
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING);
    private Path dir;
    private IncomingRam ram;

    @Setup(Level.Trial)
    public void folder() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-jmh-incoming-");
        byte[] noise = new byte[STAGING];
        new SplittableRandom(1).nextBytes(noise);
        staging.put(noise).clear();
    }

    @Setup(Level.Invocation)
    public void freshRam() throws IOException {
        ram = IncomingRam.create(dir.resolve("ram"), layout);
    }

    @TearDown(Level.Invocation)
    public void dropRam() throws IOException {
        ram.close();
        Files.delete(dir.resolve("ram"));
    }

    @TearDown(Level.Trial)
    public void removeFolder() throws IOException {
        Files.deleteIfExists(dir);
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public void positionalWrite() throws IOException {
        for (long at = 0; at < BYTES; at += STAGING) {
            ram.write(0, at, staging.clear());
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public void storeThroughMapping() {
        for (long at = 0; at < BYTES; at += STAGING) {
            ram.writableView(0, at, STAGING).put(staging.clear());
        }
    }
}
