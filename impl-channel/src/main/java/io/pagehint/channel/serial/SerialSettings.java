package io.pagehint.channel.serial;

import io.pagehint.channel.serial.wire.Frame;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How one serial hint port behaves (the typed form of {@link SerialChannelConfig}).
 *
 * @param vmId             the guest's id, also the hint source's {@code vm.id}
 * @param socketPath       where the port listens
 * @param maxFrameBytes    the largest frame the host accepts, 4 KiB .. 1 MiB
 * @param helloTimeout     how long a new connection may take to say HELLO
 * @param responseTimeout  how long the guest may stay silent while the host waits for it
 * @param acceptPagePoison whether the host accepts to preserve the guest's free-page poison value
 */
public record SerialSettings(String vmId, Path socketPath, int maxFrameBytes, Duration helloTimeout,
                             Duration responseTimeout, boolean acceptPagePoison) {

    public SerialSettings {
        if (vmId == null || vmId.isBlank() || socketPath == null) {
            throw new IllegalArgumentException("a serial port needs vm.id and socket.path");
        }
        if (!Frame.isValidLimit(maxFrameBytes)) {
            throw new IllegalArgumentException("max.frame.bytes must be between " + Frame.MIN_FRAME + " and " + Frame.MAX_FRAME);
        }
        if (helloTimeout.isNegative() || helloTimeout.isZero() || responseTimeout.isNegative() || responseTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Defaults for everything but the id and the path. */
    public static SerialSettings defaults(String vmId, Path socketPath) {
        return new SerialSettings(vmId, socketPath, Frame.MAX_FRAME, Duration.ofSeconds(5), Duration.ofSeconds(5), true);
    }

    public SerialSettings withResponseTimeout(Duration timeout) {
        return new SerialSettings(vmId, socketPath, maxFrameBytes, helloTimeout, timeout, acceptPagePoison);
    }

    public SerialSettings withHelloTimeout(Duration timeout) {
        return new SerialSettings(vmId, socketPath, maxFrameBytes, timeout, responseTimeout, acceptPagePoison);
    }

    public SerialSettings withAcceptPagePoison(boolean accept) {
        return new SerialSettings(vmId, socketPath, maxFrameBytes, helloTimeout, responseTimeout, accept);
    }
}
