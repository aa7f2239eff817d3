package io.pagehint.api.hint;

/**
 * How to ask the guest for its free pages.
 *
 * @param commandId          tags every chunk of the request; the caller chooses it, one per hinting
 *                           round, strictly increasing over the life of a hint source, so a chunk
 *                           of an older round is told apart and dropped (a transport may map it to
 *                           its own wire ids)
 * @param dropCleanPageCache ask the guest to drop its clean page cache first, to free more pages
 *                           (section 6 of the note: it can slow the guest down, so only on request)
 */
public record HintRequestOptions(long commandId, boolean dropCleanPageCache) {

    public HintRequestOptions {
        if (commandId <= 0) {
            throw new IllegalArgumentException("command ids are positive: " + commandId);
        }
    }
}
