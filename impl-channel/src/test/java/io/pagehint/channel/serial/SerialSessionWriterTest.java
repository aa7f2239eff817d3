package io.pagehint.channel.serial;

import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.testing.Await;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.serial.wire.Direction;
import io.pagehint.channel.serial.wire.Frame;
import io.pagehint.channel.serial.wire.FrameReader;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.serial.wire.Message.BitmapRequest;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.Stop;
import io.pagehint.channel.serial.wire.Message.Welcome;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.RecordingConsumer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The session's writer is taken in turns (SerialSession's class comment): a thread that wants to
 * write while another's write is stuck waits, and gets its turn when that write ends, so frames
 * leave in order and none is lost. The guest's end of the port is a channel the test holds shut,
 * so "stuck" is a state the test sets, not a race it hopes for.
 */
class SerialSessionWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aSenderBehindAStuckWriteWaitsItsTurnAndWritesWhenTheWriteEnds() throws Exception {
        Pipe toHost = Pipe.open();
        HeldChannel toGuest = new HeldChannel();
        CountDownLatch welcomed = new CountDownLatch(1);
        SerialSession session = new SerialSession(toHost.source(), toGuest, () -> {
            toGuest.close();
            toHost.source().close();
        }, new UsableRam(Layouts.withHole(64 * MiB, 64 * MiB)), SerialSettings.defaults("vm1", Path.of("unused.sock")),
                new SerialSession.Listener() {
                    @Override
                    public void welcomed(SerialSession s) {
                        welcomed.countDown();
                    }

                    @Override
                    public void ended(SerialSession s, String why) {
                    }
                });
        Thread reader = new Thread(session::run, "session-reader");
        reader.start();
        try {
            FrameWriter guest = new FrameWriter(toHost.sink());
            guest.setLimit(Frame.MAX_FRAME);
            guest.write(new Hello(Frame.MAX_FRAME, 4096, 0, 0));
            assertThat(welcomed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            // the guest stops taking frames: the first request's BITMAP_REQUEST gets stuck in the write
            toGuest.hold();
            RecordingConsumer first = new RecordingConsumer();
            Thread engine1 = new Thread(() -> session.startRequest(new HintRequestOptions(1, false), first), "engine-1");
            engine1.start();
            Await.until(WAIT, "the first request's write is stuck", () -> toGuest.writesEntered() == 2);

            // a second request must supersede the first (STOP) and ask (BITMAP_REQUEST): it waits its turn
            Thread engine2 = new Thread(() -> session.startRequest(new HintRequestOptions(2, false), new RecordingConsumer()), "engine-2");
            engine2.start();
            Await.until(WAIT, "the second request waits for the writer", () -> engine2.getState() == Thread.State.WAITING || engine2.getState() == Thread.State.BLOCKED,
                    () -> engine2.getState().toString());
            assertThat(first.awaitFinished(WAIT)).as("superseded before its STOP is written").isEqualTo(HintStatus.FAILED);
            assertThat(toGuest.writesEntered()).as("nobody writes beside the stuck write").isEqualTo(2);

            toGuest.release();
            engine1.join(WAIT.toMillis());
            engine2.join(WAIT.toMillis());
            assertThat(engine2.isAlive()).as("the second request got its turn once the stuck write ended").isFalse();
            assertThat(toGuest.frames()).extracting(Object::getClass).containsExactly(
                    Welcome.class, BitmapRequest.class, Stop.class, BitmapRequest.class);
            assertThat(session.endReason()).isNull();
        } finally {
            toGuest.release();
            session.abort("test over");
            reader.join(WAIT.toMillis());
        }
    }

    /** The guest's receiving end: takes whole writes, or holds every write while the test says so. */
    private static final class HeldChannel implements WritableByteChannel {

        private final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        private boolean held;
        private boolean open = true;
        private int writesEntered;

        synchronized void hold() {
            held = true;
        }

        synchronized void release() {
            held = false;
            notifyAll();
        }

        synchronized int writesEntered() {
            return writesEntered;
        }

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            writesEntered++;
            while (held && open) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            if (!open) {
                throw new ClosedChannelException();
            }
            int n = src.remaining();
            byte[] bytes = new byte[n];
            src.get(bytes);
            taken.write(bytes, 0, n);
            return n;
        }

        @Override
        public synchronized boolean isOpen() {
            return open;
        }

        @Override
        public synchronized void close() {
            open = false;
            notifyAll();
        }

        /** The frames taken so far, in order. */
        synchronized List<Message> frames() throws IOException {
            FrameReader in = new FrameReader(Channels.newChannel(new ByteArrayInputStream(taken.toByteArray())), Direction.HOST_TO_GUEST);
            in.setLimit(Frame.MAX_FRAME);
            List<Message> out = new ArrayList<>();
            for (Message m = in.read(); m != null; m = in.read()) {
                out.add(m);
            }
            return out;
        }
    }
}
