package io.pagehint.guest.driver.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.serial.SerialChannel;
import io.pagehint.channel.serial.SerialSettings;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.guest.driver.GuestDriverProcess;
import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.testing.ShmDir;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serial port here, the reference guest with its driver in another OS process, as a VMM runs them. */
class SerialAcrossProcessesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aGuestProcessAnswersWithItsFreePagesAndComesBackAfterTheHostEndRestarts() throws Exception {
        try (ShmDir shm = new ShmDir()) {
            GuestDriverProcess.Spec spec = new GuestDriverProcess.Spec(HintSource.TRANSPORT_SERIAL, dir.resolve("serial.sock"),
                    shm.path(), 512, 256, BootOptions.defaults(), 0.5, 77);
            GuestMemoryLayout layout = spec.layout();
            RecordingPublisher publisher = new RecordingPublisher();
            SerialChannel channel = SerialChannel.open(SerialSettings.defaults("vm-x", spec.endpoint()), layout, publisher);
            try (GuestDriverProcess process = GuestDriverProcess.boot(spec, dir.resolve("guest.log"), WAIT);
                 GuestFixture seen = GuestFixture.attach(shm.path(), layout)) {
                process.startDriver(WAIT);
                PageBitmap expected = seen.freePages(); // the guest is idle now: this is what it must say
                HintSource source = publisher.awaitPublications(1, WAIT).source;
                RecordingConsumer consumer = new RecordingConsumer();
                source.request(new HintRequestOptions(1, false), consumer);
                assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
                assertThat(consumer.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
                assertThat(source.memInfo(WAIT).orElseThrow().freePages()).isEqualTo(expected.cardinality());

                // the host end is swapped while the guest runs on
                channel.close();
                publisher.awaitNoneLive(WAIT);
                channel = SerialChannel.open(SerialSettings.defaults("vm-x", spec.endpoint()), layout, publisher);
                HintSource again = publisher.awaitPublications(2, WAIT).source;
                RecordingConsumer second = new RecordingConsumer();
                again.request(new HintRequestOptions(2, false), second);
                assertThat(second.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
                assertThat(second.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
                assertThat(process.isAlive()).isTrue();
            } finally {
                channel.close();
            }
        }
    }
}
