package io.pagehint.runtime.migration;

import io.pagehint.runtime.cli.CliException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One migration of a guest at a time, across processes: an exclusive lock on the file
 * {@code <ram file>}{@value #SUFFIX} beside the guest's RAM file, held while {@code pagehint
 * migrate} runs. The engine refuses a second migration of a guest within one runtime; this covers
 * two runtimes pointed at the same guest. The lock is the operating system's, so it goes with the
 * process however it ends (SIGKILL included); the small file stays, holding the last holder's pid,
 * and a later migration simply takes the lock on it again. It is never deleted: deleting it while
 * another process waits to lock it would let a third lock a new file of the same name.
 */
public final class GuestMigrationLock implements AutoCloseable {

    public static final String SUFFIX = ".migration-lock";

    private final FileChannel channel;
    private final FileLock lock;

    private GuestMigrationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the guest whose RAM file is {@code ramFile}, at once or not at all.
     *
     * @throws CliException if another process migrates the guest (saying which), or the lock file cannot be made
     */
    public static GuestMigrationLock acquire(Path ramFile) {
        Path file = ramFile.resolveSibling(ramFile.getFileName() + SUFFIX);
        FileChannel c = null;
        try {
            c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l = c.tryLock();
            if (l == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                c.close();
                throw new CliException("the guest of " + ramFile + " is already being migrated"
                        + (holder.isEmpty() ? "" : " by process " + holder) + " (lock " + file
                        + "); a guest is migrated by one migration at a time");
            }
            c.truncate(0);
            c.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new GuestMigrationLock(c, l);
        } catch (IOException e) {
            closeQuietly(c);
            throw new CliException("cannot take the migration lock " + file + ": " + e.getMessage());
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // this process holds it: an in-process second migration, which the engine would refuse too
            closeQuietly(c);
            throw new CliException("the guest of " + ramFile + " is already being migrated by this process");
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // on the way out
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(channel);
    }
}
