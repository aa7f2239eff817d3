package io.pagehint.runtime.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The framework's bundle cache: a fresh folder per process, because a source, a guest and a
 * destination runtime run side by side on one machine and must not share or reuse a cache.
 * Deleted when the process ends.
 */
final class FrameworkStorage {

    private final Path dir;

    private FrameworkStorage(Path dir) {
        this.dir = dir;
    }

    /** A new, empty folder under {@code java.io.tmpdir}. */
    static FrameworkStorage create() {
        try {
            return new FrameworkStorage(Files.createTempDirectory("pagehint-felix-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the framework storage folder", e);
        }
    }

    Path dir() {
        return dir;
    }

    /** Deletes the folder and all it holds; what cannot be deleted is left and named on stderr. */
    void delete() {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("pagehint: could not delete the framework storage " + dir + ": " + e);
        }
    }
}
