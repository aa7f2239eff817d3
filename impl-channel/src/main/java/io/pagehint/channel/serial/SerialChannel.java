package io.pagehint.channel.serial;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.hint.Watchdog;
import io.pagehint.channel.osgi.HintSourcePublisher;
import io.pagehint.channel.serial.wire.ErrorCode;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.socket.UnixSocketServer;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtio-serial hint port: listens on its socket, serves one guest driver at a time, and
 * publishes the hint source while a driver has completed its handshake. Closing it withdraws the
 * source, tells the guest (ERROR SHUTDOWN), closes the connection and removes the socket file.
 */
public final class SerialChannel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SerialChannel.class);

    /**
     * How long a new connection waits for the served one to end before it is turned away
     * (PROTOCOL.md A.4, "One guest at a time"): a driver that closed and reconnects at once finds
     * its old session still cleaning up, and must be served, not refused with BAD_STATE.
     */
    static final Duration HANDOVER = Duration.ofSeconds(1);

    private final SerialSettings settings;
    private final UsableRam ram;
    private final HintSourcePublisher publisher;
    private final SerialHintSource source = new SerialHintSource();
    private final Watchdog watchdog;
    private final UnixSocketServer server;
    private HintSourcePublisher.Publication publication;
    private boolean closing;

    private SerialChannel(SerialSettings settings, GuestMemoryLayout layout, HintSourcePublisher publisher) throws IOException {
        this.settings = settings;
        this.ram = new UsableRam(layout);
        this.publisher = publisher;
        this.watchdog = new Watchdog("pagehint-serial-" + settings.vmId());
        try {
            this.server = UnixSocketServer.start(settings.socketPath(), "pagehint-serial-" + settings.vmId(), HANDOVER, new Handler());
        } catch (IOException | RuntimeException e) {
            watchdog.close();
            throw e;
        }
    }

    /** Opens the port: binds the socket and waits for a guest driver. */
    public static SerialChannel open(SerialSettings settings, GuestMemoryLayout layout, HintSourcePublisher publisher)
            throws IOException {
        SerialChannel c = new SerialChannel(settings, layout, publisher);
        LOG.info("{}: virtio-serial hint port listening on {}", settings.vmId(), c.server.path());
        return c;
    }

    /** The port's hint source (published only while a guest driver is attached). */
    public HintSource source() {
        return source;
    }

    public Path socketPath() {
        return server.path();
    }

    private final class Handler implements UnixSocketServer.Handler {
        @Override
        public void serve(SocketChannel connection) {
            SerialSession session = new SerialSession(connection, connection, connection, ram, settings, new Listener());
            try (AutoCloseable tick = watchdog.every(Watchdog.tickFor(settings.responseTimeout()),
                    () -> session.checkTimeouts(System.nanoTime()))) {
                session.run();
            } catch (Exception e) {
                LOG.warn("{}: serial session ended badly", settings.vmId(), e);
            }
        }

        @Override
        public void reject(SocketChannel connection) {
            try {
                new FrameWriter(connection).write(new Message.Error(ErrorCode.BAD_STATE, 0, "another guest driver is connected"));
            } catch (IOException e) {
                LOG.debug("could not tell a second guest driver it is not wanted", e);
            }
        }
    }

    private final class Listener implements SerialSession.Listener {
        @Override
        public void welcomed(SerialSession session) {
            synchronized (SerialChannel.this) {
                if (closing) {
                    session.abort("the host's serial port is closing");
                    return;
                }
                source.attach(session);
                publication = publisher.publish(source, Map.of(HintSource.TRANSPORT, HintSource.TRANSPORT_SERIAL,
                        VirtualMachine.VM_ID, settings.vmId()));
            }
        }

        @Override
        public void ended(SerialSession session, String why) {
            if (source.session() != session) {
                return;
            }
            withdraw();
            source.detach(session);
        }
    }

    private synchronized void withdraw() {
        if (publication != null) {
            publication.withdraw();
            publication = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        withdraw();
        SerialSession s = source.session();
        if (s != null) {
            s.shutdown("the host's serial port is closing");
        }
        server.close();
        watchdog.close();
        LOG.info("{}: virtio-serial hint port closed", settings.vmId());
    }
}
