package io.pagehint.qemu.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What guest-linux/build.sh made for the installed Debian guest kernel (guest-linux/pom.xml runs
 * it before these tests): the kernel and the initramfs of the newest version built.
 */
record GuestLinuxBuild(String version, Path kernel, Path initrd) {

    static GuestLinuxBuild find() throws IOException {
        Path dir = Path.of(System.getProperty("pagehint.guest-linux.dir", "../guest-linux")).toAbsolutePath().normalize();
        Path target = dir.resolve("target");
        if (!Files.isDirectory(target)) {
            throw new IOException("no " + target + ": run guest-linux/build.sh (mvn runs it before these tests)");
        }
        try (Stream<Path> s = Files.list(target)) {
            Path v = s.filter(p -> Files.isRegularFile(p.resolve("initramfs.cpio.gz")))
                    .filter(p -> Files.isReadable(Path.of("/boot/vmlinuz-" + p.getFileName())))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IOException("no initramfs for an installed kernel under " + target));
            String version = v.getFileName().toString();
            return new GuestLinuxBuild(version, Path.of("/boot/vmlinuz-" + version), v.resolve("initramfs.cpio.gz"));
        }
    }
}
