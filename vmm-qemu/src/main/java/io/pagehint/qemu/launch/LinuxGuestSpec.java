package io.pagehint.qemu.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Linux guest to boot under QEMU with pagehint's guest side (guest-linux/): the kernel, the
 * initramfs that holds the module and the agent, the q35 or pc machine and its RAM, whether the
 * kernel zeroes freed pages, what /init does to memory before the agent starts
 * ({@code pagehint.prep=}: none, churn:&lt;MiB&gt;, fragment:&lt;pages&gt;), and whether QEMU's own
 * virtio-balloon free page hinting device is there too.
 *
 * @param kernel       the guest kernel, /boot/vmlinuz-&lt;version&gt;
 * @param initrd       guest-linux/target/&lt;version&gt;/initramfs.cpio.gz
 * @param machine      QEMU machine type: q35 or pc
 * @param ramBytes     guest RAM, a multiple of 2 MiB
 * @param cpus         vCPUs
 * @param initOnFree   boot with init_on_free=1 (freed pages are zeroed) or =0
 * @param prep         the pagehint.prep= value
 * @param freePageHint add QEMU's virtio-balloon with free-page-hint=on (the peer the docs compare with)
 */
public record LinuxGuestSpec(Path kernel, Path initrd, String machine, long ramBytes, int cpus, boolean initOnFree, String prep,
                             boolean freePageHint) {

    /** What pagehint.prep= may say: none, churn:&lt;MiB&gt;, fragment:&lt;pages&gt; (the contract with guest-linux/initramfs). */
    private static final Pattern PREP = Pattern.compile("none|churn:[0-9]{1,9}|fragment:[0-9]{1,10}");

    public LinuxGuestSpec {
        if (!machine.equals("q35") && !machine.equals("pc")) {
            throw new IllegalArgumentException("a Linux guest runs on machine q35 or pc, not " + machine);
        }
        if (ramBytes < (128L << 20) || ramBytes % (2L << 20) != 0) {
            throw new IllegalArgumentException("guest RAM must be a multiple of 2 MiB, at least 128 MiB: " + ramBytes);
        }
        if (cpus < 1 || cpus > 64) {
            throw new IllegalArgumentException("vCPUs must be 1..64: " + cpus);
        }
        if (!PREP.matcher(prep).matches()) {
            throw new IllegalArgumentException("--prep must be none, churn:<MiB> or fragment:<pages>, not " + prep);
        }
    }

    /** The kernel command line. */
    public String append() {
        return String.format(Locale.ROOT, "console=ttyS0 quiet panic=-1 init_on_free=%d pagehint.prep=%s", initOnFree ? 1 : 0, prep);
    }

    /** QEMU's arguments, with the RAM file, the sockets and (if not null) the host end's serial socket. */
    List<String> qemuArguments(Path ramFile, Path qmpSocket, Path launcherQmp, Path serialSocket, boolean kvm) {
        List<String> a = new ArrayList<>(List.of("qemu-system-x86_64",
                "-machine", machine + ",memory-backend=ram0",
                "-object", "memory-backend-file,id=ram0,size=" + ramBytes + ",mem-path=" + ramFile + ",share=on",
                "-m", (ramBytes >> 20) + "M", "-smp", Integer.toString(cpus),
                "-accel", kvm ? "kvm" : "tcg",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", append(),
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-qmp", "unix:" + launcherQmp + ",server=on,wait=off"));
        if (serialSocket != null) {
            // pagehint's host end listens; QEMU connects, and again a second after the host end goes away
            a.addAll(List.of("-device", "virtio-serial-pci",
                    "-chardev", "socket,id=pagehint0,path=" + serialSocket + ",server=off,reconnect=1",
                    "-device", "virtserialport,chardev=pagehint0,name=org.pagehint.0"));
        }
        if (freePageHint) {
            a.addAll(List.of("-object", "iothread,id=io0", "-device", "virtio-balloon-pci,free-page-hint=on,iothread=io0"));
        }
        return a;
    }
}
