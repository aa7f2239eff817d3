package io.pagehint.runtime.cli;

import picocli.CommandLine.Option;

/** {@code --json}: a command prints its report as JSON on stdout instead of text. {@code @Mixin JsonOption json;} */
public final class JsonOption {

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    public boolean json() {
        return json;
    }
}
