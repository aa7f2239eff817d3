package io.pagehint.api.hint;

/**
 * Where a free-page hint request stands: the return values of the design note's
 * {@code get_free_page_bmap} (API 7b), plus a failure the note has no code for.
 */
public enum HintStatus {
    /** The host end or the guest cannot hint (note: -1). */
    UNSUPPORTED(-1),
    /** Hints are still arriving (note: 0, "still in the progress of constructing"). */
    IN_PROGRESS(0),
    /** The guest has sent every hint it had for the request (note: 1). */
    READY(1),
    /** The request broke: the channel failed, the guest misbehaved, or it was stopped or cancelled. */
    FAILED(-2);

    private final int noteCode;

    HintStatus(int noteCode) {
        this.noteCode = noteCode;
    }

    /** The design note's return code for this status. */
    public int noteCode() {
        return noteCode;
    }

    public boolean isFinal() {
        return this != IN_PROGRESS;
    }
}
