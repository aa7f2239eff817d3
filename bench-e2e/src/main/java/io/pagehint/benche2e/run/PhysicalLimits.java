package io.pagehint.benche2e.run;

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
    record Limits(double loopbackBytesPerSecond, double zeroScanBytesPerSecond, double freshMemoryBytesPerSecond,
                  java.util.SortedMap<Integer, Double> pipelineBytesPerSecond) {

        Limits(double loopbackBytesPerSecond, double zeroScanBytesPerSecond, double freshMemoryBytesPerSecond) {
            this(loopbackBytesPerSecond, zeroScanBytesPerSecond, freshMemoryBytesPerSecond, new java.util.TreeMap<>());
        }

        /** The pipeline limit at {@code streams} streams, or -1 if it was not measured. */
        double pipeline(int streams) {
            return pipelineBytesPerSecond.getOrDefault(streams, -1.0);
        }
    }

    /** The unit the engine deals pages out in to its streams: 512 pages of 4 KiB (docs/STREAM.md 6). */
    private static final int UNIT_BYTES = 512 * PAGE;

    /**
     * The pipeline every destination that writes into fresh memory goes through, as the engine
     * runs it with {@code streams} streams: per stream a plain sender thread and a receiver thread
     * over loopback TCP, the receiver writing what it receives with {@code pwrite} into one new
     * tmpfs file shared by all, at the offsets of its stream's 2 MiB units (the engine's division),
     * until {@code bytes} (the guest's RAM) have moved. Timed from the first connect to the last
     * write; the file is deleted afterwards.
     */
    static double pipeline(Path dir, long bytes, int streams) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "limit-", ".pipe");
        long units = (bytes + UNIT_BYTES - 1) / UNIT_BYTES;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE);
             ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), streams);
            java.util.List<CompletableFuture<Long>> done = new java.util.ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                int stream = i;
                done.add(CompletableFuture.supplyAsync(() -> send(server, stream, streams, units, bytes), threads(2 * streams)));
                done.add(CompletableFuture.supplyAsync(() -> receiveInto(server, out, stream, streams, units, bytes), threads(2 * streams)));
            }
            long moved = 0;
            for (int i = 0; i < done.size(); i += 2) {
                done.get(i).get(10, TimeUnit.MINUTES);
                moved += done.get(i + 1).get(10, TimeUnit.MINUTES);
            }
            long nanos = System.nanoTime() - start;
            if (moved != bytes) {
                throw new IOException("the pipeline's receivers wrote " + moved + " bytes of " + bytes);
            }
            return bytes / (nanos / 1e9);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the pipeline measurement failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static java.util.concurrent.Executor threads(int n) {
        return r -> {
            Thread t = new Thread(r, "pagehint-bench-pipeline");
            t.setDaemon(true);
            t.start();
        };
    }

    private static long unitBytes(long unit, long bytes) {
        return Math.min(UNIT_BYTES, bytes - unit * UNIT_BYTES);
    }

    /** Sends stream {@code stream}'s units, in order, as one sender of the engine would. */
    private static long send(ServerSocketChannel server, int stream, int streams, long units, long bytes) {
        ByteBuffer data = ByteBuffer.allocateDirect(IO_BYTES);
        byte[] noise = new byte[IO_BYTES];
        ThreadLocalRandom.current().nextBytes(noise);
        data.put(noise);
        try (SocketChannel c = SocketChannel.open()) {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            c.connect(server.getLocalAddress());
            long sent = 0;
            for (long u = stream; u < units; u += streams) {
                long left = unitBytes(u, bytes);
                while (left > 0) {
                    data.clear().limit((int) Math.min(IO_BYTES, left));
                    while (data.hasRemaining()) {
                        int n = c.write(data);
                        left -= n;
                        sent += n;
                    }
                }
            }
            return sent;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Receives one stream and writes it at the offsets of its units: the destination's work, without the stream format. */
    private static long receiveInto(ServerSocketChannel server, FileChannel out, int stream, int streams, long units, long bytes) {
        try (SocketChannel in = server.accept()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(IO_BYTES);
            long written = 0;
            long unit = stream;
            long inUnit = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    long room = unitBytes(unit, bytes) - inUnit;
                    ByteBuffer piece = buf.slice(buf.position(), (int) Math.min(room, buf.remaining()));
                    long pos = unit * (long) UNIT_BYTES + inUnit;
                    while (piece.hasRemaining()) {
                        pos += out.write(piece, pos);
                    }
                    int took = (int) Math.min(room, buf.remaining());
                    buf.position(buf.position() + took);
                    inUnit += took;
                    written += took;
                    if (inUnit == unitBytes(unit, bytes)) {
                        unit += streams;
                        inUnit = 0;
                    }
                }
                buf.clear();
            }
            return written;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
