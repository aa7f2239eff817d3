package io.pagehint.guest.driver.serial;

import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.serial.SerialChannel;
import io.pagehint.channel.serial.SerialSettings;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.guest.driver.FakeKernel;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's serial driver against the real host end, over the port's socket, in one process. */
class SerialGuestDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final GuestMemoryLayout layout = Layouts.withHole(256 * MiB, 256 * MiB);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private SerialChannel channel;
    private GuestDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    private HintSource connect(FakeKernel kernel, SerialSettings settings) throws Exception {
        channel = SerialChannel.open(settings, layout, publisher);
        driver = GuestDrivers.start(HintSource.TRANSPORT_SERIAL, channel.socketPath(), kernel);
        assertThat(driver.transport()).isEqualTo("virtio-serial");
        return publisher.awaitPublications(1, WAIT).source;
    }

    private SerialSettings settings() {
        return SerialSettings.defaults("guest-1", dir.resolve("port"));
    }

    private FakeKernel kernel(double usedFraction, Integer poison) {
        return new FakeKernel(layout, null, FakeKernel.freePattern(layout, 11, usedFraction), false, poison);
    }

    @Test
    void theHostReceivesExactlyTheGuestsFreePages() throws Exception {
        FakeKernel kernel = kernel(0.02, null);
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);

        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        PageBitmap got = consumer.pages(layout.pfnLimit());
        assertThat(got.sameBits(kernel.freePages())).isTrue();
        assertThat(consumer.chunks()).as("streamed in pieces").hasSizeGreaterThan(1);
    }

    @Test
    void aFragmentedGuestSendsWordsAndAnIdleOneSendsRuns() throws Exception {
        HintSource source = connect(kernel(0.30, null), settings());
        RecordingConsumer fragmented = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), fragmented);
        assertThat(fragmented.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(fragmented.chunks()).allMatch(c -> c instanceof HintChunk.Words);

        driver.close();
        channel.close();
        publisher.awaitNoneLive(WAIT);
        channel = SerialChannel.open(settings(), layout, publisher);
        driver = GuestDrivers.start(HintSource.TRANSPORT_SERIAL, channel.socketPath(), kernel(0, null));
        HintSource idle = publisher.awaitPublications(2, WAIT).source;
        RecordingConsumer runs = new RecordingConsumer();
        idle.request(new HintRequestOptions(1, false), runs);
        assertThat(runs.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(runs.chunks()).allMatch(c -> c instanceof HintChunk.Ranges);
    }

    @Test
    void memoryInfoComesFromTheKernel() throws Exception {
        FakeKernel kernel = kernel(0.1, null);
        HintSource source = connect(kernel, settings());
        assertThat(source.memInfo(WAIT)).contains(kernel.memInfo());
    }

    @Test
    void aPoisoningGuestHintsOnlyWhenTheHostPreservesThePoison() throws Exception {
        HintSource source = connect(kernel(0.1, 0xAA), settings().withAcceptPagePoison(false));
        assertThat(source.pagePoison()).isEmpty();
        RecordingConsumer refused = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), refused);
        assertThat(refused.awaitFinished(WAIT)).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(refused.chunks()).isEmpty();
        driver.close();
        channel.close();

        channel = SerialChannel.open(settings(), layout, publisher);
        driver = GuestDrivers.start(HintSource.TRANSPORT_SERIAL, channel.socketPath(), kernel(0.1, 0xAA));
        HintSource accepting = publisher.awaitPublications(2, WAIT).source;
        assertThat(accepting.pagePoison()).hasValue(0xAA);
        RecordingConsumer ok = new RecordingConsumer();
        accepting.request(new HintRequestOptions(1, false), ok);
        assertThat(ok.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
    }

    @Test
    void aStopWhileTheGuestBuildsEndsTheRequestAndTheNextOneWorks() throws Exception {
        CountDownLatch firstPieceSent = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        FakeKernel slow = new FakeKernel(layout, null, FakeKernel.freePattern(layout, 3, 0.3), false, null) {
            @Override
            public void freePageBitmap(boolean drop, int maxWords, BitmapSink sink) {
                super.freePageBitmap(drop, maxWords, (first, words, length) -> {
                    sink.accept(first, words, length);
                    firstPieceSent.countDown();
                    await(goOn);
                });
            }
        };
        HintSource source = connect(slow, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        assertThat(firstPieceSent.await(10, TimeUnit.SECONDS)).isTrue();
        consumer.awaitChunks(1, WAIT);
        request.stop();
        goOn.countDown();
        assertThat(consumer.status()).isEqualTo(HintStatus.FAILED);

        RecordingConsumer next = new RecordingConsumer();
        source.request(new HintRequestOptions(2, false), next);
        assertThat(next.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(next.pages(layout.pfnLimit()).sameBits(slow.freePages())).isTrue();
        assertThat(consumer.sawChunkAfterFinish()).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void whenThePortIsSwappedTheDriverReconnectsAndTheSourceComesBack() throws Exception {
        HintSource first = connect(kernel(0.05, null), settings());
        assertThat(first.isGuestConnected()).isTrue();
        channel.close();
        publisher.awaitNoneLive(WAIT);
        assertThat(first.isGuestConnected()).isFalse();

        channel = SerialChannel.open(settings(), layout, publisher);
        HintSource second = publisher.awaitPublications(2, WAIT).source;
        RecordingConsumer consumer = new RecordingConsumer();
        second.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
    }
}
