package io.pagehint.qemu.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What guest-linux/build.sh made for an installed Debian guest kernel: the kernel
 * (/boot/vmlinuz-&lt;version&gt;) and guest-linux/target/&lt;version&gt;/initramfs.cpio.gz.
 */
public record GuestLinuxBuild(String version, Path kernel, Path initrd) {

    /**
     * The build for {@code version}, or (null) for the newest version that has both an initramfs
     * and an installed kernel.
     *
     * @param guestLinux the guest-linux folder
     * @throws IOException one line saying what is missing and what to run
     */
    public static GuestLinuxBuild find(Path guestLinux, String version) throws IOException {
        Path target = guestLinux.toAbsolutePath().normalize().resolve("target");
        if (version != null) {
            Path initrd = target.resolve(version).resolve("initramfs.cpio.gz");
            Path kernel = Path.of("/boot/vmlinuz-" + version);
            if (!Files.isReadable(kernel)) {
                throw new IOException("no kernel " + kernel + " (install the Debian package linux-image-" + version + ")");
            }
            if (!Files.isReadable(initrd)) {
                throw new IOException("no " + initrd + ": run guest-linux/build.sh " + version);
            }
            return new GuestLinuxBuild(version, kernel, initrd);
        }
        if (!Files.isDirectory(target)) {
            throw new IOException("no " + target + ": run guest-linux/build.sh first (or say where guest-linux is)");
        }
        try (Stream<Path> s = Files.list(target)) {
            Path v = s.filter(p -> Files.isReadable(p.resolve("initramfs.cpio.gz")))
                    .filter(p -> Files.isReadable(Path.of("/boot/vmlinuz-" + p.getFileName())))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IOException("no initramfs for an installed kernel under " + target + ": run guest-linux/build.sh"));
            String found = v.getFileName().toString();
            return new GuestLinuxBuild(found, Path.of("/boot/vmlinuz-" + found), v.resolve("initramfs.cpio.gz"));
        }
    }
}
