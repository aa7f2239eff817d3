package io.pagehint.guest.boot;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What {@code pagehint guest} checks of its paths before it creates anything: a guest that cannot
 * start must say so in one line and leave no RAM file, dirty log or socket behind. The files it
 * creates must not exist yet (it never overwrites one) and their folders must.
 */
final class StartChecks {

    private StartChecks() {
    }

    /** @throws IllegalArgumentException naming the first path that is wrong */
    static void files(GuestConfig config) {
        if (config.attach()) {
            mustExist("--ram-file", config.ramFile());
            // the dirty log may exist or not (RAM that arrived by migration has none yet)
            folderMustExist("--dirty-log", config.dirtyLog());
        } else {
            mustBeNew("--ram-file", config.ramFile());
            mustBeNew("--dirty-log", config.dirtyLog());
        }
        mustBeNew("--control", config.control());
    }

    private static void mustBeNew(String option, Path p) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(option + " " + p + " exists already (a guest never overwrites a file)");
        }
        folderMustExist(option, p);
    }

    private static void folderMustExist(String option, Path p) {
        Path folder = p.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + " " + p + ": the folder " + folder + " does not exist");
        }
    }

    private static void mustExist(String option, Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(option + " " + p + " does not exist (--attach takes up a guest's RAM file)");
        }
    }
}
