package io.pagehint.runtime.cli;

/**
 * Marks a subcommand that owns the process's console or runs until the process ends (the shell,
 * a guest): it is a {@code pagehint} command only, never offered as a Gogo command.
 */
public interface ProcessOnly {
}
