package io.pagehint.api.hint;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One request for free-page hints, from {@link HintSource#request}. Closing it ends it for good.
 */
@ConsumerType
public interface HintRequest extends AutoCloseable {

    long commandId();

    HintStatus status();

    /**
     * Stops hinting for this request (virtio: command id STOP): the guest is told to stop. When
     * this returns, no {@link HintConsumer#onChunk} call for this request is running and none will
     * be made. The guest may keep pages it set aside for hinting until {@link #close()}. Idempotent.
     */
    void stop();

    /**
     * Ends the request (virtio: command id DONE): stops it if it is still running and lets the
     * guest reuse every page it set aside for hinting. Idempotent; never throws.
     */
    @Override
    void close();
}
