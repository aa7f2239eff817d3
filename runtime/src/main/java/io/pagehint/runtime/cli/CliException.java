package io.pagehint.runtime.cli;

/**
 * A command failed for a reason the user can act on: the message is printed as it is, without a
 * stack trace, and the process exits with {@link #exitCode()}.
 */
public class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(String message) {
        this(message, PagehintCli.EXIT_FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
