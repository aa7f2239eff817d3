package io.pagehint.guest.driver.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.channel.serial.SerialChannel;
import io.pagehint.channel.serial.SerialSettings;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.testing.GuestProcessHandle;
import io.pagehint.reference.testing.TestLayouts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serial port here; the reference guest process ({@code pagehint guest --serial}) in another OS process. */
class SerialAcrossProcessesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aGuestProcessAnswersWithItsFreePagesAndComesBackAfterTheHostEndRestarts() throws Exception {
        Path socket = dir.resolve("serial.sock");
        GuestMemoryLayout layout = TestLayouts.x86(new MachineSpec("x86_64", "q35", 512L << 20));
        RecordingPublisher publisher = new RecordingPublisher();
        SerialChannel channel = SerialChannel.open(SerialSettings.defaults("vm-x", socket), layout, publisher);
        try (GuestProcessHandle guest = GuestProcessHandle.start("512M", "--serial", socket.toString())) {
            HintSource source = publisher.awaitPublications(1, WAIT).source;
            PageBitmap expected;
            try (GuestFixture idle = GuestFixture.attach(guest.ramFile(), guest.dirtyLog(), layout)) {
                expected = idle.freePages(); // an idle guest: this is what it must say
            }
            RecordingConsumer consumer = new RecordingConsumer();
            source.request(new HintRequestOptions(1, false), consumer);
            assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
            assertThat(consumer.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
            assertThat(source.memInfo(WAIT).orElseThrow().freePages()).isEqualTo(expected.cardinality());

            // the host end is swapped while the guest runs on
            channel.close();
            publisher.awaitNoneLive(WAIT);
            channel = SerialChannel.open(SerialSettings.defaults("vm-x", socket), layout, publisher);
            HintSource again = publisher.awaitPublications(2, WAIT).source;
            RecordingConsumer second = new RecordingConsumer();
            again.request(new HintRequestOptions(2, false), second);
            assertThat(second.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
            assertThat(second.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
            assertThat(guest.process().isAlive()).isTrue();
        } finally {
            channel.close();
        }
    }
}
