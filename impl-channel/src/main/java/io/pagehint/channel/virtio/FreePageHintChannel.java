package io.pagehint.channel.virtio;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.channel.hint.UsableRam;
import io.pagehint.channel.hint.Watchdog;
import io.pagehint.channel.osgi.HintSourcePublisher;
import io.pagehint.channel.socket.UnixSocketServer;
import io.pagehint.channel.virtio.device.BalloonDevice;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtio free-page-hint device: the balloon device model, its doorbell socket (one driver at
 * a time), and its hint source, published while a driver is ready to hint. Closing it writes DONE
 * (the driver gives its blocks back), withdraws the source, closes the doorbell and removes the
 * socket file.
 */
public final class FreePageHintChannel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FreePageHintChannel.class);

    private final VirtioSettings settings;
    private final Duration deliveryDelay;
    private final BalloonDevice device;
    private final VirtioHintSource source;
    private final HintSourcePublisher publisher;
    private final Watchdog watchdog;
    private final UnixSocketServer server;
    private HintSourcePublisher.Publication publication;
    private boolean closing;

    private FreePageHintChannel(VirtioSettings settings, Duration deliveryDelay, GuestMemoryLayout layout,
                                DeviceMemory memory, HintSourcePublisher publisher) throws IOException {
        if (deliveryDelay.isNegative()) {
            throw new IllegalArgumentException("a delivery delay must not be negative");
        }
        this.settings = settings;
        this.deliveryDelay = deliveryDelay;
        this.device = new BalloonDevice(settings.vmId(), memory, new UsableRam(layout), settings.queueSize(), settings.responseTimeout());
        this.source = new VirtioHintSource(device);
        this.publisher = publisher;
        this.watchdog = new Watchdog("pagehint-virtio-" + settings.vmId());
        try {
            this.server = UnixSocketServer.start(settings.doorbellPath(), "pagehint-virtio-" + settings.vmId(), new Handler());
        } catch (IOException | RuntimeException e) {
            watchdog.close();
            throw e;
        }
    }

    /** Creates the device and listens for its driver on the doorbell socket. */
    public static FreePageHintChannel open(VirtioSettings settings, GuestMemoryLayout layout, DeviceMemory memory,
                                           HintSourcePublisher publisher) throws IOException {
        return open(settings, Duration.ZERO, layout, memory, publisher);
    }

    /**
     * For tests only, and so not reachable from the component's configuration: a slow device, like
     * a QEMU iothread that falls behind, hands the hints of each pass over the queue on
     * {@code deliveryDelay} after it took the buffers (and returned them used to the guest).
     */
    static FreePageHintChannel open(VirtioSettings settings, Duration deliveryDelay, GuestMemoryLayout layout,
                                    DeviceMemory memory, HintSourcePublisher publisher) throws IOException {
        FreePageHintChannel c = new FreePageHintChannel(settings, deliveryDelay, layout, memory, publisher);
        LOG.info("{}: virtio free-page-hint device listening on {}", settings.vmId(), c.server.path());
        return c;
    }

    /** The device's hint source (published only while a driver is ready). */
    public HintSource source() {
        return source;
    }

    public Path doorbellPath() {
        return server.path();
    }

    /** The command id the device's configuration holds now. */
    public int configCommandId() {
        return device.configCommandId();
    }

    private final class Handler implements UnixSocketServer.Handler, DoorbellSession.Listener {
        @Override
        public void serve(SocketChannel connection) {
            DoorbellSession session = new DoorbellSession(connection, connection, connection, device, this,
                    settings.vmId(), settings.responseTimeout(), deliveryDelay);
            source.attach(session);
            device.driverConnected();
            try (AutoCloseable tick = watchdog.every(Watchdog.tickFor(settings.responseTimeout()), () -> {
                long now = System.nanoTime();
                session.checkStuckWrite(now);
                session.apply(device.checkTimeouts(now));
                deviceChanged();
            })) {
                session.run();
            } catch (Exception e) {
                LOG.warn("{}: doorbell session ended badly", settings.vmId(), e);
            }
        }

        @Override
        public void reject(SocketChannel connection) {
            // one driver at a time: a second connection is closed without a word (PROTOCOL.md B.1)
        }

        @Override
        public void deviceChanged() {
            updatePublication();
        }

        @Override
        public void ended(DoorbellSession session) {
            device.driverDisconnected();
            source.detach(session);
            updatePublication();
        }
    }

    private synchronized void updatePublication() {
        boolean ready = device.worthPublishing(System.nanoTime()) && !closing;
        if (ready && publication == null) {
            publication = publisher.publish(source, Map.of(HintSource.TRANSPORT, HintSource.TRANSPORT_VIRTIO_BALLOON,
                    VirtualMachine.VM_ID, settings.vmId()));
            LOG.info("{}: virtio balloon driver {}", settings.vmId(), device.hintingReady()
                    ? "ready for free page hinting" : "connected but cannot hint; requests will say why");
        } else if (!ready && publication != null) {
            publication.withdraw();
            publication = null;
            LOG.info("{}: virtio balloon driver gone or setting up again", settings.vmId());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            if (publication != null) {
                publication.withdraw();
                publication = null;
            }
        }
        source.apply(device.shutdown("the host's virtio device is closing"));
        server.close();
        watchdog.close();
        LOG.info("{}: virtio free-page-hint device closed", settings.vmId());
    }
}
