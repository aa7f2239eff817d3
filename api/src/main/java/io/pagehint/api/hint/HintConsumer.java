package io.pagehint.api.hint;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the hints of one request as they stream in (the streaming form of API 7b). Called
 * from the hint source's own thread, one call at a time; a consumer must not block for long.
 */
@ConsumerType
public interface HintConsumer {

    /** A chunk of hints; {@code chunk.commandId()} is the request's command id. */
    void onChunk(HintChunk chunk);

    /**
     * The request ended: {@link HintStatus#READY} when the guest sent all it had (the detail then
     * empty, or a remark such as why it had nothing to send), otherwise
     * {@link HintStatus#FAILED} or {@link HintStatus#UNSUPPORTED} with a reason. Called exactly
     * once, after the last {@link #onChunk}.
     */
    void onFinished(long commandId, HintStatus status, String detail);
}
