package io.pagehint.guest.driver.serial;

import io.pagehint.channel.serial.wire.Frame;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.guest.kernel.HintingSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.time.Duration;

/**
 * Runs the driver's answer to a bitmap request a few times into nothing before it first
 * connects: the free-page walk, the encoding into chunks, and the framing.
 *
 * <p>Why: the reference guest stands in for a kernel, whose walk is compiled code from its first
 * call. A fresh JVM interprets its first walks instead, so without this the benchmark would time
 * our JIT rather than the channel: in the benchmark an idle 8 GiB guest's READY took 51 ms
 * (median), a guest whose allocator had run for a while 16 ms, and an idle guest with this warm-up
 * 26 ms (docs/PERFORMANCE.md). The walk takes the kernel's execution gate like a real request and
 * changes nothing in guest RAM.
 */
final class HintPathWarmUp {

    /** Enough walks for the JIT to compile the loops of the walk and the encoder. */
    static final int WALKS = 40;
    /** A large guest stops early: a warm-up must not hold up its boot for long. */
    static final Duration BUDGET = Duration.ofMillis(300);

    private HintPathWarmUp() {
    }

    /** @return the number of walks it made */
    static int run(HintingSupport kernel) {
        FrameWriter nowhere = new FrameWriter(Channels.newChannel(OutputStream.nullOutputStream()));
        nowhere.setLimit(Frame.MAX_FRAME);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int walks = 0;
        while (walks < WALKS && System.nanoTime() < deadline) {
            kernel.freePageBitmap(false, SerialGuestDriver.MAX_WORDS_PER_PIECE, (firstPfn, words, length) -> {
                Message chunk = PieceEncoder.encode(0, firstPfn, words, length, true);
                Message asWords = PieceEncoder.encode(0, firstPfn, words, length, false);
                try {
                    if (chunk != null) {
                        nowhere.write(chunk);
                        nowhere.write(asWords);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("a null channel cannot fail", e);
                }
            });
            walks++;
        }
        return walks;
    }
}
