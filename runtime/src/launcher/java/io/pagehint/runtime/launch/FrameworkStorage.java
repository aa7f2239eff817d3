package io.pagehint.runtime.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The framework's bundle cache: a fresh folder per process, because a source, a guest and a
 * destination runtime run side by side on one machine and must not share or reuse a cache.
 * Deleted when the process ends.
 *
 * <p>Owner only, whatever the umask: the cache holds the bundle jars the runtime executes and the
 * configuration that names the guest's RAM file and sockets. The folder is created {@code 0700}
 * in one step and is never removed or recreated while the process runs; the framework gets a
 * folder <em>inside</em> it, which it may clean and recreate with the process's umask without
 * opening anything to other users, and {@link #restrict()} takes the group and other bits off
 * what the framework wrote at start.
 *
 * <p>The folder's name carries the process id ({@code pagehint-felix-<pid>-<random>}), so a cache
 * left by a process that was killed (SIGKILL runs no shutdown hook) is recognised and deleted by
 * the next start, once no live process has that id.
 */
final class FrameworkStorage {

    static final String PREFIX = "pagehint-felix-";
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    private FrameworkStorage(Path root) {
        this.root = root;
    }

    /** Deletes the leftovers of dead processes, then makes a new, empty, owner-only folder under {@code java.io.tmpdir}. */
    static FrameworkStorage create() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteLeftovers(tmp);
        try {
            String prefix = PREFIX + ProcessHandle.current().pid() + "-";
            Path root = posix() ? Files.createTempDirectory(tmp, prefix, PosixFilePermissions.asFileAttribute(OWNER_DIR))
                    : Files.createTempDirectory(tmp, prefix);
            return new FrameworkStorage(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the framework storage folder", e);
        }
    }

    /** The folder the framework owns (and may clean): inside the owner-only root. */
    Path dir() {
        return root.resolve("felix");
    }

    Path root() {
        return root;
    }

    /** Takes the group and other permission bits off everything under the root (owner-only modes, whatever the umask). */
    void restrict() {
        if (!posix()) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    ownerOnly(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile() || attrs.isDirectory()) {
                        ownerOnly(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("pagehint: could not restrict the framework storage " + root + " to its owner: " + e);
        }
    }

    private static void ownerOnly(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        perms.removeIf(x -> !x.name().startsWith("OWNER_"));
        Files.setPosixFilePermissions(p, perms);
    }

    /** Deletes the folder and all it holds; what cannot be deleted is left and named on stderr. */
    void delete() {
        try {
            deleteTree(root);
        } catch (IOException e) {
            System.err.println("pagehint: could not delete the framework storage " + root + ": " + e);
        }
    }

    /**
     * Deletes the caches of pagehint processes that are gone: folders of this user named with a
     * process id no live process has. A folder whose process lives, or that is not ours, stays.
     */
    static void deleteLeftovers(Path tmp) {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            String me = System.getProperty("user.name");
            for (Path p : found) {
                long pid = pidOf(p.getFileName().toString());
                if (pid <= 0 || ProcessHandle.of(pid).isPresent() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        || !Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(me)) {
                    continue;
                }
                try {
                    deleteTree(p);
                } catch (IOException e) {
                    System.err.println("pagehint: could not delete the framework storage " + p + " of a process that is gone: " + e);
                }
            }
        } catch (IOException | RuntimeException e) {
            // leftovers only cost disk space; a start must not fail over them
        }
    }

    /** The process id in {@code pagehint-felix-<pid>-<random>}, or -1 for any other name. */
    static long pidOf(String name) {
        if (!name.startsWith(PREFIX)) {
            return -1;
        }
        int end = name.indexOf('-', PREFIX.length());
        try {
            return end < 0 ? -1 : Long.parseLong(name.substring(PREFIX.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
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
    }
}
