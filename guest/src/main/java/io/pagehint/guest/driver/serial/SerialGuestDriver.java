package io.pagehint.guest.driver.serial;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.channel.serial.wire.Direction;
import io.pagehint.channel.serial.wire.ErrorCode;
import io.pagehint.channel.serial.wire.Features;
import io.pagehint.channel.serial.wire.Frame;
import io.pagehint.channel.serial.wire.FrameReader;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.serial.wire.Message.BitmapDone;
import io.pagehint.channel.serial.wire.Message.BitmapRequest;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.MemInfo;
import io.pagehint.channel.serial.wire.Message.MemInfoRequest;
import io.pagehint.channel.serial.wire.Message.Stop;
import io.pagehint.channel.serial.wire.Message.Welcome;
import io.pagehint.channel.serial.wire.WireException;
import io.pagehint.guest.driver.ReconnectingDriver;
import io.pagehint.guest.kernel.HintingSupport;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest end of the virtio-serial hint port (PROTOCOL.md part A): says HELLO, answers memory
 * info at once, and answers each bitmap request by walking the kernel's free-page bitmap
 * ({@link HintingSupport#freePageBitmap}) and sending every piece as soon as it is built, in the
 * shorter encoding. Builds run on a worker thread so a STOP is read while a bitmap is built.
 */
public final class SerialGuestDriver extends ReconnectingDriver {

    private static final Logger LOG = LoggerFactory.getLogger(SerialGuestDriver.class);
    /** Words per piece of the bitmap: 64 KiB of bitmap, 2 GiB of 4 KiB pages. */
    static final int MAX_WORDS_PER_PIECE = 8192;
    /** Words per piece of a paced (slow) guest: 1024 pages. */
    static final int SLOW_WORDS_PER_PIECE = 16;

    private final HintingSupport kernel;
    private final java.time.Duration pace;

    private SerialGuestDriver(Path socket, HintingSupport kernel, java.time.Duration pace) {
        super(socket, "pagehint-serial-guest");
        this.kernel = kernel;
        this.pace = pace;
    }

    /** Serves the host's port at {@code socket} until closed, connecting when it is there. */
    public static SerialGuestDriver start(Path socket, HintingSupport kernel) {
        return start(socket, kernel, java.time.Duration.ZERO);
    }

    /** Like {@link #start(Path, HintingSupport)}, pausing {@code pace} between the pieces it sends (a slow guest, for tests). */
    public static SerialGuestDriver start(Path socket, HintingSupport kernel, java.time.Duration pace) {
        SerialGuestDriver d = new SerialGuestDriver(socket, kernel, pace);
        d.start();
        return d;
    }

    /**
     * What a guest process does once at boot, before it starts this driver: runs the answer to a
     * bitmap request into nothing until the JIT has compiled it ({@link HintPathWarmUp} says why).
     */
    public static void warmUp(HintingSupport kernel) {
        long t0 = System.nanoTime();
        int walks = HintPathWarmUp.run(kernel);
        LOG.debug("hint path warmed up: {} walks in {} ms", walks, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public String transport() {
        return HintSource.TRANSPORT_SERIAL;
    }

    @Override
    protected void serve(SocketChannel connection) throws IOException {
        FrameWriter writer = new FrameWriter(connection);
        FrameReader reader = new FrameReader(connection, Direction.HOST_TO_GUEST);
        OptionalInt poison = kernel.pagePoison();
        int pageSize = kernel.memInfo().pageSize();
        long offered = Features.RANGES | Features.DROP_CACHE | (poison.isPresent() ? Features.PAGE_POISON : 0);
        writer.write(new Hello(Frame.MAX_FRAME, pageSize, offered, poison.orElse(0) & 0xFF));
        Message first = reader.read();
        if (!(first instanceof Welcome welcome)) {
            throw new IOException("the host did not welcome the driver: " + first);
        }
        if ((welcome.features() & ~offered) != 0) {
            fatal(writer, ErrorCode.BAD_FIELD, 0, "WELCOME grants features that were not offered");
            return;
        }
        int limit = Math.min(Frame.MAX_FRAME, welcome.maxFrame());
        writer.setLimit(limit);
        reader.setLimit(limit);
        Connection c = new Connection(writer, welcome.features(), poison.isPresent(), limit);
        try {
            c.serve(reader);
        } finally {
            c.shutdown();
        }
    }

    private static void fatal(FrameWriter writer, ErrorCode code, long commandId, String text) {
        try {
            writer.write(new Message.Error(code, commandId, text));
        } catch (IOException e) {
            LOG.debug("could not send ERROR {}", code, e);
        }
    }

    /** One connection after the handshake. */
    private final class Connection {
        private final FrameWriter writer;
        private final long features;
        private final boolean poisoned;
        private final int wordsPerPiece;
        private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pagehint-serial-guest-build");
            t.setDaemon(true);
            return t;
        });
        private long latestCommandId;
        private Build current;

        Connection(FrameWriter writer, long features, boolean poisoned, int limit) {
            this.writer = writer;
            this.features = features;
            this.poisoned = poisoned;
            // a slow guest hands over small pieces (4 MiB of pages each), so pacing spreads a request out
            this.wordsPerPiece = Math.min(pace.isZero() ? MAX_WORDS_PER_PIECE : SLOW_WORDS_PER_PIECE,
                    (limit - Frame.HEADER_BYTES - 24) / 8);
        }

        void serve(FrameReader reader) throws IOException {
            try {
                for (Message m = reader.read(); m != null; m = reader.read()) {
                    if (m instanceof MemInfoRequest r) {
                        GuestMemInfo info = kernel.memInfo();
                        writer.write(new MemInfo(r.tag(), info.freePages(), info.cachedPages(), info.maxPfn(), info.pageSize()));
                    } else if (m instanceof BitmapRequest r) {
                        if (r.commandId() <= latestCommandId) {
                            fatal(writer, ErrorCode.BAD_COMMAND_ID, r.commandId(), "command ids must increase");
                            return;
                        }
                        latestCommandId = r.commandId();
                        if (current != null) {
                            current.stop();
                        }
                        current = new Build(r);
                        builder.execute(current);
                    } else if (m instanceof Stop s) {
                        if (current != null && current.request.commandId() == s.commandId()) {
                            current.stop();
                        }
                    } else if (m instanceof Message.Error e) {
                        if (e.isFatal()) {
                            LOG.info("host end closed the port: {} {}", e.errorCode(), e.message());
                            return;
                        }
                    } else {
                        fatal(writer, ErrorCode.UNKNOWN_TYPE, 0, m.type() + " is not sent by a host");
                        return;
                    }
                }
            } catch (WireException e) {
                LOG.warn("host end broke the protocol: {}", e.getMessage());
                fatal(writer, e.code(), e.commandId(), e.getMessage());
            }
        }

        void shutdown() {
            if (current != null) {
                current.stop();
            }
            builder.shutdown();
            try {
                builder.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Builds and sends the bitmap for one request. */
        private final class Build implements Runnable {
            private final BitmapRequest request;
            private volatile boolean stopped;
            private long pages;
            private int chunks;
            private IOException failure;

            Build(BitmapRequest request) {
                this.request = request;
            }

            void stop() {
                stopped = true;
            }

            private void send(Message chunk) {
                try {
                    writer.write(chunk);
                    chunks++;
                    pages += chunk instanceof Message.ChunkWords w ? w.pages() : ((Message.ChunkRanges) chunk).pages();
                } catch (IOException e) {
                    failure = e;
                }
            }

            private void sleepQuietly(java.time.Duration d) {
                try {
                    Thread.sleep(d.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }

            @Override
            public void run() {
                long id = request.commandId();
                try {
                    if (poisoned && !Features.has(features, Features.PAGE_POISON)) {
                        writer.write(new Message.Error(ErrorCode.REFUSED, id,
                                "free pages are poisoned and the host does not preserve the poison"));
                        return;
                    }
                    boolean drop = request.dropCleanCache() && Features.has(features, Features.DROP_CACHE);
                    boolean ranges = Features.has(features, Features.RANGES);
                    // a slow guest sends its pieces after the walk, one per pace: each then describes
                    // pages as they were a while ago, and the guest may have reused them since
                    java.util.List<Message> late = pace.isZero() ? null : new java.util.ArrayList<>();
                    kernel.freePageBitmap(drop, wordsPerPiece, (firstPfn, words, length) -> {
                        if (stopped || failure != null) {
                            return; // the walk finishes quickly; what it finds is no longer wanted
                        }
                        Message chunk = PieceEncoder.encode(id, firstPfn, words, length, ranges);
                        if (chunk == null) {
                            return;
                        }
                        if (late != null) {
                            late.add(chunk);
                        } else {
                            send(chunk);
                        }
                    });
                    for (int i = 0; late != null && i < late.size() && !stopped && failure == null; i++) {
                        sleepQuietly(pace);
                        send(late.get(i));
                    }
                    if (failure == null) {
                        writer.write(new BitmapDone(id, pages, chunks, stopped ? BitmapDone.STOPPED : BitmapDone.COMPLETE));
                    }
                } catch (IOException e) {
                    failure = e;
                }
                if (failure != null) {
                    LOG.debug("sending the bitmap for command {} failed: {}", id, failure.toString());
                }
            }
        }
    }
}
