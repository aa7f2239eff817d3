package io.pagehint.reference.vm;

import io.pagehint.api.vm.VmControl;
import io.pagehint.api.vm.VmState;
import io.pagehint.reference.control.ControlClient;
import io.pagehint.reference.control.GuestStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link VmControl} over the guest's control socket: one connection, opened on first use and
 * again after a failure; one request at a time.
 */
final class SocketVmControl implements VmControl, AutoCloseable {

    private final Path socket;
    private final Duration timeout;
    private ControlClient client;

    SocketVmControl(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    @Override
    public synchronized void pause() throws IOException {
        call("PAUSE");
    }

    @Override
    public synchronized void resume() throws IOException {
        call("RESUME");
    }

    @Override
    public synchronized void throttle(int percent) throws IOException {
        if (percent < 0 || percent > 99) {
            throw new IllegalArgumentException("throttle is 0..99 percent: " + percent);
        }
        call("THROTTLE " + percent);
    }

    /** RUNNING or PAUSED as the guest says; GONE when it does not answer. */
    @Override
    public synchronized VmState state() {
        try {
            return "PAUSED".equals(status().state()) ? VmState.PAUSED : VmState.RUNNING;
        } catch (IOException e) {
            return VmState.GONE;
        }
    }

    /** The guest's full status line. */
    synchronized GuestStatus status() throws IOException {
        return GuestStatus.fromWire(call("STATUS"));
    }

    private String call(String command) throws IOException {
        if (client == null) {
            client = ControlClient.connect(socket);
        }
        try {
            return client.call(command, timeout);
        } catch (IOException e) {
            closeClient();
            throw e;
        }
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // a broken connection is dropped either way
            }
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        closeClient();
    }
}
