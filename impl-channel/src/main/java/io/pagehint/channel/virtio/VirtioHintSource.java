package io.pagehint.channel.virtio;

import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.CommandIdGuard;
import io.pagehint.channel.virtio.device.BalloonDevice;
import io.pagehint.channel.virtio.device.Outcome;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The device's hint source: each request is one round of free page hinting under its own wire
 * command id; stopping writes STOP, closing writes DONE. The balloon device has no memory-info
 * message of section 7a (its statistics queue is not offered), so {@link #memInfo} is empty.
 */
final class VirtioHintSource implements HintSource, ActiveRequest.Transport {

    private final BalloonDevice device;
    private final CommandIdGuard commandIds = new CommandIdGuard();
    private volatile DoorbellSession session;

    VirtioHintSource(BalloonDevice device) {
        this.device = device;
    }

    void attach(DoorbellSession s) {
        session = s;
    }

    void detach(DoorbellSession s) {
        if (session == s) {
            session = null;
        }
    }

    /** Carries out a device outcome on the current connection (hints, ends, interrupt). */
    void apply(Outcome o) {
        DoorbellSession s = session;
        if (s != null) {
            s.apply(o);
        } else {
            o.runSteps();
        }
    }

    @Override
    public String transport() {
        return TRANSPORT_VIRTIO_BALLOON;
    }

    /** The buffers the device ignored and returned (PROTOCOL.md Part B): a late driver, not a wrong one. */
    @Override
    public long staleMessagesDropped() {
        return device.staleBuffers();
    }

    @Override
    public boolean isGuestConnected() {
        return device.hintingReady();
    }

    @Override
    public Optional<GuestMemInfo> memInfo(Duration timeout) {
        return Optional.empty();
    }

    @Override
    public OptionalInt pagePoison() {
        return device.pagePoison();
    }

    @Override
    public HintRequest request(HintRequestOptions options, HintConsumer consumer) {
        commandIds.admit(options.commandId());
        ActiveRequest request = new ActiveRequest(options.commandId(), consumer, this);
        apply(device.start(request));
        return request;
    }

    @Override
    public void stopRequested(ActiveRequest request) {
        apply(device.stop(request));
    }

    @Override
    public void doneRequested(ActiveRequest request) {
        apply(device.done(request));
    }
}
