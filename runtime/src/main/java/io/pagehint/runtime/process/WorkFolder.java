package io.pagehint.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folder a command that starts guest and destination processes keeps their files in (RAM
 * files, dirty logs, sockets, logs): new, private to this user (mode 0700), removed with all it
 * holds when the command ends.
 */
public final class WorkFolder {

    private WorkFolder() {
    }

    /** A new folder {@code prefix...} in {@code parent} (tmpfs, for RAM files), mode 0700. */
    public static Path create(Path parent, String prefix) throws IOException {
        return Files.createTempDirectory(parent, prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Deletes {@code root} and everything in it. */
    public static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
