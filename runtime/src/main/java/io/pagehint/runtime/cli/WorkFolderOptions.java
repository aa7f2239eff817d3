package io.pagehint.runtime.cli;

import io.pagehint.runtime.process.WorkFolder;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --dir} and {@code --keep}: where a command that starts guest and destination processes
 * ({@code demo}, {@code bench}) makes its work folder, and whether it stays. {@code @Mixin WorkFolderOptions work;}
 */
public final class WorkFolderOptions {

    @Option(names = "--dir", defaultValue = "/dev/shm", paramLabel = "<dir>",
            description = "Where the guests' RAM files go; tmpfs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--keep",
            description = "Keep the work folder (its logs, and the RAM files the command has not deleted as it went) instead of deleting it.")
    boolean keep;

    public Path dir() {
        return dir;
    }

    /** A new work folder {@code prefix...} in --dir (see {@link WorkFolder#create}). */
    public Path create(String prefix) throws IOException {
        return WorkFolder.create(dir, prefix);
    }

    /** At the command's end: says where the folder is with --keep, deletes it otherwise. */
    public void finish(CliContext context, Path work) throws IOException {
        if (keep) {
            context.err().println("kept " + work);
        } else {
            WorkFolder.delete(work);
        }
    }
}
