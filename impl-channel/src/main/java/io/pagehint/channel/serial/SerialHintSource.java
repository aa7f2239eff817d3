package io.pagehint.channel.serial;

import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintException;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.hint.CommandIdGuard;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The serial port's hint source: one object for the life of the port, served by whichever guest
 * connection has completed its handshake. Without one, requests end UNSUPPORTED at once.
 */
final class SerialHintSource implements HintSource {

    private final CommandIdGuard commandIds = new CommandIdGuard();
    private volatile SerialSession session;
    private long staleOfEndedSessions; // guarded by this

    synchronized void attach(SerialSession s) {
        session = s;
    }

    synchronized void detach(SerialSession s) {
        if (session == s) {
            staleOfEndedSessions += s.staleFrames();
            session = null;
        }
    }

    /** Counted over every connection this port has served (PROTOCOL.md A.4, host rules: stale frames). */
    @Override
    public synchronized long staleMessagesDropped() {
        SerialSession s = session;
        return staleOfEndedSessions + (s == null ? 0 : s.staleFrames());
    }

    SerialSession session() {
        return session;
    }

    @Override
    public String transport() {
        return TRANSPORT_SERIAL;
    }

    @Override
    public boolean isGuestConnected() {
        SerialSession s = session;
        return s != null && s.isWelcomed();
    }

    @Override
    public Optional<GuestMemInfo> memInfo(Duration timeout) throws HintException {
        SerialSession s = session;
        return s == null ? Optional.empty() : Optional.of(s.memInfo(timeout));
    }

    @Override
    public OptionalInt pagePoison() {
        SerialSession s = session;
        return s == null ? OptionalInt.empty() : s.pagePoison();
    }

    @Override
    public HintRequest request(HintRequestOptions options, HintConsumer consumer) {
        commandIds.admit(options.commandId());
        SerialSession s = session;
        if (s == null) {
            return ActiveRequest.finished(options.commandId(), consumer, HintStatus.UNSUPPORTED, "no guest driver is connected");
        }
        return s.startRequest(options, consumer);
    }
}
