package io.pagehint.guest.driver.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.kernel.BootOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HintPathWarmUpTest {

    @Test
    void theWarmUpWalksTheFreePagesAndChangesNothingInTheGuest() throws Exception {
        for (BootOptions.FreeBitmapMode mode : BootOptions.FreeBitmapMode.values()) {
            try (GuestFixture guest = GuestFixture.boot(GuestFixture.pc(512, 256), new BootOptions(false, false, false, mode))) {
                Path ram = guest.dir().resolve("ram");
                Path log = guest.dir().resolve("dirty-log");
                Path copy = guest.dir().resolve("ram-before");
                Path logCopy = guest.dir().resolve("dirty-log-before");
                Files.copy(ram, copy);
                Files.copy(log, logCopy);
                long free = guest.kernel().freePages();

                assertThat(HintPathWarmUp.run(guest.kernel())).as(mode + ": walks in its budget").isBetween(1, HintPathWarmUp.WALKS);

                assertThat(Files.mismatch(ram, copy)).as(mode + ": guest RAM byte for byte").isEqualTo(-1);
                assertThat(guest.kernel().freePages()).isEqualTo(free);
                assertThat(Files.mismatch(log, logCopy)).as(mode + ": no page logged dirty").isEqualTo(-1);
            }
        }
    }
}
