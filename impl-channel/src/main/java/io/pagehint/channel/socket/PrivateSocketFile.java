package io.pagehint.channel.socket;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Set;

/**
 * A listening UNIX domain socket whose file has mode 0600 at every moment it carries its final
 * name. Binding creates the file with the process umask, which may be wider; so the socket is
 * bound inside a new directory of mode 0700 next to the final path (nobody else can reach it
 * there), set to 0600, and renamed onto the final path (rename is atomic and keeps the mode).
 * The directory is then removed. Closing removes the file, if it is still this socket's.
 */
public final class PrivateSocketFile implements AutoCloseable {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_SOCKET = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path path;
    private final ServerSocketChannel server;
    private final Object fileKey;

    private PrivateSocketFile(Path path, ServerSocketChannel server, Object fileKey) {
        this.path = path;
        this.server = server;
        this.fileKey = fileKey;
    }

    /**
     * Binds a listening socket at {@code path}. A file already there is replaced only if it is a
     * socket (a leftover of an earlier run).
     *
     * @throws IOException if the path holds something else or the socket cannot be bound
     */
    public static PrivateSocketFile bind(Path path) throws IOException {
        Path target = path.toAbsolutePath();
        Path parent = Objects.requireNonNull(target.getParent(), "socket path needs a directory");
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                && !Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(target + " exists and is not a socket");
        }
        Path dir = privateDirectory(parent);
        Path staging = dir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(staging));
            Files.setPosixFilePermissions(staging, OWNER_ONLY_SOCKET);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Object key = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new PrivateSocketFile(target, server, key);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(staging);
            throw e;
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    /** A new directory of mode 0700 in {@code parent}, with a short name (socket paths are limited to 107 bytes). */
    private static Path privateDirectory(Path parent) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path dir = parent.resolve(".ph" + Integer.toHexString(RANDOM.nextInt() & 0xFFFFFF));
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR); // the umask may have removed owner bits
                return dir;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    public Path path() {
        return path;
    }

    public ServerSocketChannel server() {
        return server;
    }

    /** Stops listening and removes the file if it is still this socket's. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                if (Objects.equals(key, fileKey)) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
