package io.pagehint.guest.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.vcpu.WorkloadSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestArgumentsTest {

    private static final String[] FILES = {"--ram-file", "/dev/shm/r", "--dirty-log", "/dev/shm/l", "--control", "/dev/shm/c"};

    private static String[] with(String... more) {
        String[] all = new String[FILES.length + more.length];
        System.arraycopy(FILES, 0, all, 0, FILES.length);
        System.arraycopy(more, 0, all, FILES.length, more.length);
        return all;
    }

    @Test
    void aGuestCommandLineBecomesItsConfig() {
        GuestConfig c = GuestArguments.parseGuest(with("--machine", "q35", "--ram", "8G", "-o", "max-ram-below-4g=1G",
                "--workload", "used-then-freed", "--size", "512M", "--vcpus", "4", "--seed", "77", "--init-on-alloc",
                "--free-bitmap", "kept", "--serial", "/run/s", "--paused"));
        assertThat(c.machine().ramBytes()).isEqualTo(8L << 30);
        assertThat(c.machine().options()).isEqualTo(Map.of("max-ram-below-4g", "1G"));
        assertThat(c.workload()).isEqualTo(new WorkloadSpec(WorkloadSpec.Kind.USED_THEN_FREED, 0, 64, 512L << 20));
        assertThat(c.vcpus()).isEqualTo(4);
        assertThat(c.seed()).isEqualTo(77);
        assertThat(c.boot()).isEqualTo(new BootOptions(true, false, false, BootOptions.FreeBitmapMode.KEPT));
        assertThat(c.serial()).isEqualTo(Path.of("/run/s"));
        assertThat(c.virtio()).isNull();
        assertThat(c.paused()).isTrue();
        assertThat(c.attach()).isFalse();
    }

    @Test
    void churnHasNoHistoryUnlessASizeIsGivenAndTheOthersFillHalfOfRam() {
        assertThat(GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--workload", "churn")).workload().bytes())
                .isZero();
        assertThat(GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--workload", "churn", "--size", "256M"))
                .workload().bytes()).isEqualTo(256L << 20);
        assertThat(GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--workload", "used-then-freed"))
                .workload().bytes()).isEqualTo(512L << 20);
    }

    /** The guest reads sizes with the same grammar as every other command (io.pagehint.api.memory.ByteSize). */
    @Test
    void sizesReadAsEveryCommandReadsThem() {
        assertThat(GuestArguments.parseGuest(with("--machine", "q35", "--ram", "8GiB")).machine().ramBytes()).isEqualTo(8L << 30);
        assertThat(GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--workload", "churn", "--size", "256MiB"))
                .workload().bytes()).isEqualTo(256L << 20);
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1K"))).hasMessageContaining("--ram 1K is too small");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "0"))).hasMessageContaining("--ram 0 is too small");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "512M", "--workload", "used-then-freed",
                "--size", "4G"))).hasMessageContaining("--size 4G is more than the guest's 512M of RAM");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35"))).hasMessageContaining("--ram");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--fast")))
                .hasMessage("unknown option --fast");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1Q"))).hasMessageContaining("not a size");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--workload", "compile")))
                .hasMessageContaining("unknown workload compile");
        assertThatThrownBy(() -> GuestArguments.parseGuest(with("--machine", "q35", "--ram", "1G", "--page-poison", "--init-on-free")))
                .hasMessageContaining("page poisoning cannot be combined");
        assertThatThrownBy(() -> GuestArguments.parseGuest(new String[] {"--machine", "q35", "--ram", "1G", "--vcpus"}))
                .hasMessage("--vcpus needs a value");
        assertThat(GuestArguments.parseGuest(new String[] {"--help"})).isNull();
    }

    @Test
    void aCheckCommandLineBecomesItsConfig() {
        GuestArguments.CheckConfig c = GuestArguments.parseCheck(new String[] {"--ram-file", "/dev/shm/r", "--machine", "pc",
                "--ram", "0x40000000", "--json"});
        assertThat(c.machine().machine()).isEqualTo("pc");
        assertThat(c.machine().ramBytes()).isEqualTo(1L << 30);
        assertThat(c.json()).isTrue();
        assertThatThrownBy(() -> GuestArguments.parseCheck(new String[] {"--machine", "pc", "--ram", "1G"}))
                .hasMessage("--ram-file is required");
    }
}
