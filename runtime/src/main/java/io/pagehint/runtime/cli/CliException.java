package io.pagehint.runtime.cli;

import java.util.function.Supplier;

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

    /** A usage error: the command line is wrong ({@link PagehintCli#EXIT_USAGE}). */
    public static CliException usage(String message) {
        return new CliException(message, PagehintCli.EXIT_USAGE);
    }

    /**
     * {@code value.get()}, where an IllegalArgumentException (a value on the command line that is
     * wrong: a host:port, a channel name, a machine) becomes a usage error of its one-line message.
     */
    public static <T> T usageIfIllegal(Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    public int exitCode() {
        return exitCode;
    }
}
