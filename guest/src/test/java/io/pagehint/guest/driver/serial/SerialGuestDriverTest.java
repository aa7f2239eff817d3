package io.pagehint.guest.driver.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.channel.serial.SerialChannel;
import io.pagehint.channel.serial.SerialSettings;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.driver.InterposedHints;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.HintingSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serial driver on the reference kernel against the real host end, over the port's socket, in one process. */
class SerialGuestDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final RecordingPublisher publisher = new RecordingPublisher();
    private GuestFixture guest;
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
        if (guest != null) {
            guest.close();
        }
    }

    private HintSource connect(BootOptions options, SerialSettings settings) throws Exception {
        guest = GuestFixture.boot(GuestFixture.pc(512, 256), options);
        return connect(guest.kernel(), settings);
    }

    private HintSource connect(HintingSupport kernel, SerialSettings settings) throws Exception {
        int before = publisher.publications();
        channel = SerialChannel.open(settings, guest.layout(), publisher);
        driver = GuestDrivers.start(HintSource.TRANSPORT_SERIAL, channel.socketPath(), kernel);
        assertThat(driver.transport()).isEqualTo("virtio-serial");
        return publisher.awaitPublications(before + 1, WAIT).source;
    }

    private SerialSettings settings() {
        return SerialSettings.defaults("guest-1", dir.resolve("port"));
    }

    private RecordingConsumer ask(HintSource source, long id) throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(id, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        return consumer;
    }

    @Test
    void theHostReceivesExactlyTheGuestsFreePagesAsRunsWhenTheGuestIsIdle() throws Exception {
        HintSource source = connect(BootOptions.defaults(), settings());
        RecordingConsumer consumer = ask(source, 1);
        PageBitmap got = consumer.pages(guest.layout().pfnLimit());
        assertThat(got.sameBits(guest.freePages())).isTrue();
        assertThat(got.cardinality()).isEqualTo(guest.kernel().freePages());
        assertThat(consumer.chunks()).as("a just-booted guest's free memory is long stretches")
                .allMatch(c -> c instanceof HintChunk.Ranges);
    }

    @Test
    void aFragmentedGuestSendsWordsAndStillExactlyItsFreePages() throws Exception {
        guest = GuestFixture.boot(GuestFixture.pc(512, 256), BootOptions.defaults());
        guest.fragment(0.6, 3);
        HintSource source = connect(guest.kernel(), settings());
        RecordingConsumer consumer = ask(source, 1);
        assertThat(consumer.pages(guest.layout().pfnLimit()).sameBits(guest.freePages())).isTrue();
        assertThat(consumer.chunks()).anyMatch(c -> c instanceof HintChunk.Words);
    }

    @Test
    void theKeptBitmapAnswersTheSame() throws Exception {
        HintSource source = connect(new BootOptions(false, false, false, BootOptions.FreeBitmapMode.KEPT), settings());
        guest.fragment(0.3, 4);
        RecordingConsumer consumer = ask(source, 1);
        assertThat(consumer.pages(guest.layout().pfnLimit()).sameBits(guest.freePages())).isTrue();
    }

    @Test
    void memoryInfoComesFromTheKernel() throws Exception {
        HintSource source = connect(BootOptions.defaults(), settings());
        assertThat(source.memInfo(WAIT)).contains(guest.kernel().memInfo());
    }

    @Test
    void aPoisoningGuestHintsOnlyWhenTheHostPreservesThePoison() throws Exception {
        BootOptions poisoning = new BootOptions(false, false, true, BootOptions.FreeBitmapMode.WALK);
        HintSource refusing = connect(poisoning, settings().withAcceptPagePoison(false));
        assertThat(refusing.pagePoison()).isEmpty();
        RecordingConsumer refused = new RecordingConsumer();
        refusing.request(new HintRequestOptions(1, false), refused);
        assertThat(refused.awaitFinished(WAIT)).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(refused.chunks()).isEmpty();
        driver.close();
        channel.close();

        HintSource accepting = connect(guest.kernel(), settings());
        assertThat(accepting.pagePoison()).hasValue(0xAA);
        ask(accepting, 1);
    }

    @Test
    void aStopWhileTheGuestBuildsEndsTheRequestAndTheNextOneWorks() throws Exception {
        guest = GuestFixture.boot(GuestFixture.pc(512, 256), BootOptions.defaults());
        guest.fragment(0.6, 5); // words: more than one piece
        CountDownLatch firstPieceSent = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        HintingSupport slow = new InterposedHints(guest.kernel()) {
            @Override
            public void freePageBitmap(boolean drop, int maxWords, BitmapSink sink) {
                super.freePageBitmap(drop, maxWords, (first, words, length) -> {
                    sink.accept(first, words, length);
                    firstPieceSent.countDown();
                    try {
                        goOn.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
        HintSource source = connect(slow, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        assertThat(firstPieceSent.await(10, TimeUnit.SECONDS)).isTrue();
        request.stop();
        goOn.countDown();
        assertThat(consumer.status()).isEqualTo(HintStatus.FAILED);

        RecordingConsumer next = ask(source, 2);
        assertThat(next.pages(guest.layout().pfnLimit()).sameBits(guest.freePages())).isTrue();
        assertThat(consumer.sawChunkAfterFinish()).isFalse();
    }

    @Test
    void aGuestThatStartsBeforeItsHostConnectsWhenTheHostEndAppears() throws Exception {
        guest = GuestFixture.boot(GuestFixture.pc(512, 256), BootOptions.defaults());
        driver = GuestDrivers.start(HintSource.TRANSPORT_SERIAL, dir.resolve("port"), guest.kernel());
        channel = SerialChannel.open(settings(), guest.layout(), publisher);
        HintSource source = publisher.awaitPublications(1, WAIT).source;
        ask(source, 1);
    }

    @Test
    void whenThePortIsSwappedTheDriverReconnectsAndTheSourceComesBack() throws Exception {
        HintSource first = connect(BootOptions.defaults(), settings());
        assertThat(first.isGuestConnected()).isTrue();
        channel.close();
        publisher.awaitNoneLive(WAIT);
        assertThat(first.isGuestConnected()).isFalse();

        channel = SerialChannel.open(settings(), guest.layout(), publisher);
        HintSource second = publisher.awaitPublications(2, WAIT).source;
        ask(second, 1);
    }
}
