package io.pagehint.guest.driver;

import io.pagehint.api.hint.HintSource;
import io.pagehint.guest.driver.serial.SerialGuestDriver;
import io.pagehint.guest.driver.virtio.VirtioBalloonDriver;
import io.pagehint.guest.kernel.HintingSupport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Starts the guest end of a channel: what the guest process calls for each channel it is given. */
public final class GuestDrivers {

    private GuestDrivers() {
    }

    /**
     * Connects the guest driver of {@code transport} to the host end at {@code endpoint} and
     * starts serving hint requests from {@code kernel}: for {@code virtio-serial} the endpoint is
     * the port's socket, for {@code virtio-balloon} the device's doorbell socket.
     *
     * The driver connects at once if the host end listens, otherwise as soon as it does (retrying
     * with a back-off, as after a host end restarts), so a guest may start before its host.
     *
     * @throws IllegalArgumentException for an unknown transport
     * @throws IOException              if the driver cannot be set up (not for an absent host end)
     */
    public static GuestDriver start(String transport, Path endpoint, HintingSupport kernel) throws IOException {
        return start(transport, endpoint, kernel, Duration.ZERO);
    }

    /**
     * Like {@link #start(String, Path, HintingSupport)}, for a slow guest: the driver pauses
     * {@code pace} between the pieces of hints it hands the host (serial: bitmap pieces, sent after
     * the walk; virtio: batches of blocks), so a request can span several migration rounds. A test
     * knob for the late-hint regime; zero is a normal guest.
     */
    public static GuestDriver start(String transport, Path endpoint, HintingSupport kernel, Duration pace) throws IOException {
        return switch (transport) {
            case HintSource.TRANSPORT_SERIAL -> SerialGuestDriver.start(endpoint, kernel, pace);
            case HintSource.TRANSPORT_VIRTIO_BALLOON -> VirtioBalloonDriver.start(endpoint, kernel, pace);
            default -> throw new IllegalArgumentException("no guest driver for transport " + transport);
        };
    }
}
