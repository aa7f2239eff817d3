package io.pagehint.runtime.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The physical limits a migration of this machine is up against, measured in the same invocation
 * as the migrations: how fast a plain sender and receiver move bytes over a loopback TCP socket,
 * and how fast one core tells zero pages from others. A fast ratio cannot hide a slow engine when
 * the engine's throughput is stated as a fraction of these. A third, how fast one core fills fresh
 * memory, is the destination's floor: it says what part of a slow destination is the machine's.
 */
final class PhysicalLimits {

    /** Bytes per write and read: large, as a bulk sender would use. */
    private static final int IO_BYTES = 1 << 20;
    /** The memory the zero scan walks: well beyond the caches, so it runs at memory speed. */
    private static final int SCAN_BYTES = 128 << 20;
    private static final int PAGE = 4096;

    private PhysicalLimits() {
    }

    /**
     * What the measurements found, in bytes a second.
     *
     * @param loopbackBytesPerSecond   a plain sender and receiver over loopback TCP
     * @param zeroScanBytesPerSecond   one core checking memory for zero pages
     * @param freshMemoryBytesPerSecond one core writing a new tmpfs file with {@code pwrite}: every page
     *                                  is allocated as it is written, as a destination's RAM is; -1 if not measured
     */
    record Limits(double loopbackBytesPerSecond, double zeroScanBytesPerSecond, double freshMemoryBytesPerSecond) {
    }

    /**
     * One core filling {@code bytes} of a new file in {@code dir} (tmpfs) with {@code pwrite} from a
     * 1 MiB buffer, then deleting it: the floor under any destination, which must allocate a page
     * for every page it receives. On a virtual machine whose host backs memory lazily, or takes
     * back what the VM reports free (virtio-balloon free page reporting), each fresh page costs a
     * fault in the host as well.
     */
    static double freshMemory(Path dir, long bytes) throws IOException {
        Path file = Files.createTempFile(dir, "limit-", ".fill");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer data = ByteBuffer.allocateDirect(IO_BYTES);
            byte[] noise = new byte[IO_BYTES];
            ThreadLocalRandom.current().nextBytes(noise);
            data.put(noise);
            long start = System.nanoTime();
            for (long at = 0; at < bytes; at += IO_BYTES) {
                data.clear().limit((int) Math.min(IO_BYTES, bytes - at));
                long pos = at;
                while (data.hasRemaining()) {
                    pos += out.write(data, pos);
                }
            }
            return bytes / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A plain sender writing 1 MiB buffers to a plain receiver reading into 1 MiB buffers, each in
     * its own thread of this process, with the socket options the engine uses (no Nagle, 4 MiB
     * send buffer). Timed from the connect to the receiver's last byte.
     */
    static double loopback(long bytes) throws IOException, InterruptedException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> receiveAll(server));
            ByteBuffer data = ByteBuffer.allocateDirect(IO_BYTES);
            byte[] noise = new byte[IO_BYTES];
            ThreadLocalRandom.current().nextBytes(noise);
            data.put(noise).flip();
            long start = System.nanoTime();
            try (SocketChannel out = SocketChannel.open()) {
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
                out.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                out.connect(server.getLocalAddress());
                long left = bytes;
                while (left > 0) {
                    data.clear().limit((int) Math.min(IO_BYTES, left));
                    while (data.hasRemaining()) {
                        left -= out.write(data);
                    }
                }
            }
            long got = received.get(10, TimeUnit.MINUTES);
            long nanos = System.nanoTime() - start;
            if (got != bytes) {
                throw new IOException("the loopback receiver got " + got + " bytes of " + bytes);
            }
            return bytes / (nanos / 1e9);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the loopback receiver failed: " + e.getMessage(), e);
        }
    }

    private static long receiveAll(ServerSocketChannel server) {
        try (SocketChannel in = server.accept()) {
            ByteBuffer sink = ByteBuffer.allocateDirect(IO_BYTES);
            long total = 0;
            int n;
            while ((n = in.read(sink.clear())) >= 0) {
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * One thread checks {@code bytes} of memory for zero pages, page by page, comparing each with a
     * zero page ({@link ByteBuffer#mismatch}, which the JIT turns into vector compares), over a
     * region larger than the caches. Every page is zero, so every byte is read.
     */
    static double zeroScan(long bytes) {
        ByteBuffer memory = ByteBuffer.allocateDirect(SCAN_BYTES);
        ByteBuffer zero = ByteBuffer.allocateDirect(PAGE);
        long zeros = scan(memory, zero, Math.min(bytes, SCAN_BYTES)); // warm the JIT
        long start = System.nanoTime();
        long left = bytes;
        zeros = 0;
        while (left > 0) {
            long n = Math.min(left, SCAN_BYTES);
            zeros += scan(memory, zero, n);
            left -= n;
        }
        long nanos = System.nanoTime() - start;
        if (zeros * PAGE < bytes - PAGE) {
            throw new IllegalStateException("the zero scan found non-zero pages in zeroed memory");
        }
        return bytes / (nanos / 1e9);
    }

    private static long scan(ByteBuffer memory, ByteBuffer zero, long bytes) {
        long zeros = 0;
        for (int at = 0; at + PAGE <= bytes; at += PAGE) {
            if (memory.slice(at, PAGE).mismatch(zero) < 0) {
                zeros++;
            }
        }
        return zeros;
    }
}
