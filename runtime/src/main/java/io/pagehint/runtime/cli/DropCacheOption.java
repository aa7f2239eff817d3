package io.pagehint.runtime.cli;

import picocli.CommandLine.Option;

/** {@code --drop-cache}, for every command that asks a guest for hints. {@code @Mixin DropCacheOption dropCache;} */
public final class DropCacheOption {

    @Option(names = "--drop-cache", description = "Ask the guest to drop its clean page cache before hinting.")
    boolean dropCache;

    public boolean dropCache() {
        return dropCache;
    }
}
