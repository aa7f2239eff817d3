package io.pagehint.bench.guest;

import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.reference.ram.IncomingRam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
 * The guest's write path, per 4 KiB page, against a plain copy into the same kind of memory (a
 * shared mapping of a tmpfs file): {@code plainCopy} is the copy alone; {@code loggedFirstWrite}
 * adds the fence and the atomic OR of a clear dirty bit; {@code loggedRewrite} the fence and the
 * read of a bit already set; {@code anonPageWrite} is what a workload pays for a whole page:
 * write path, checksum and metadata update. 4096 pages (16 MiB) per invocation, already populated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WritePathBenchmark {

    static final int PAGES = 4096;

    private BenchGuest guest;
    private IncomingRam plain;
    private final byte[] page = new byte[4096];
    private long base;
    private long[] anon;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        guest = new BenchGuest(256L << 20, BootOptions.defaults());
        plain = IncomingRam.create(guest.dir.resolve("plain-ram"), guest.layout);
        new SplittableRandom(1).nextBytes(page);
        anon = new long[PAGES];
        for (int i = 0; i < PAGES; i++) {
            anon[i] = guest.kernel.allocAnon(0);
            guest.kernel.writeAnonPage(anon[i], page);
        }
        // a run of pages the kernel does not use, for the raw write path
        base = 128L << 20;
        for (int i = 0; i < PAGES; i++) {
            guest.memory.writeBytes(base + i * 4096L, page, 0, 4096);
            plain.writableView(0, base + i * 4096L, 4096).put(page);
        }
    }

    /** A dirty log cleared before every invocation, for the writes that find their bit clear. */
    @State(Scope.Benchmark)
    public static class ClearedLog {
        @Setup(Level.Invocation)
        public void clear(WritePathBenchmark bench) {
            bench.guest.memory.dirtyLog().clear();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        plain.close();
        Files.delete(plain.path());
        guest.close();
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public void plainCopy() {
        ByteBuffer ram = plain.writableView(0, base, PAGES * 4096);
        for (int i = 0; i < PAGES; i++) {
            ram.put(i * 4096, page, 0, 4096);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public void loggedFirstWrite(ClearedLog clearedBeforeEachInvocation) {
        for (int i = 0; i < PAGES; i++) {
            guest.memory.writeBytes(base + i * 4096L, page, 0, 4096);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public void loggedRewrite() {
        for (int i = 0; i < PAGES; i++) {
            guest.memory.writeBytes(base + i * 4096L, page, 0, 4096);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public void anonPageWrite() {
        for (int i = 0; i < PAGES; i++) {
            guest.kernel.writeAnonPage(anon[i], page);
        }
    }
}
