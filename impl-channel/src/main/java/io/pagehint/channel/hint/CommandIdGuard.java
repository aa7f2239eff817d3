package io.pagehint.channel.hint;

/** Enforces the {@code HintSource.request} rule that command ids strictly increase over a source's life. */
public final class CommandIdGuard {

    private long last;

    /**
     * Records {@code commandId} as the latest.
     *
     * @throws IllegalArgumentException if it is not above every id admitted before
     */
    public synchronized void admit(long commandId) {
        if (commandId <= last) {
            throw new IllegalArgumentException("command id " + commandId + " is not above the previous " + last);
        }
        last = commandId;
    }
}
