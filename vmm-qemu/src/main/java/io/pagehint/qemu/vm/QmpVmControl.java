package io.pagehint.qemu.vm;

import io.pagehint.api.vm.VmControl;
import io.pagehint.api.vm.VmState;
import io.pagehint.qemu.qmp.QmpClient;
import io.pagehint.qemu.qmp.QmpException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link VmControl} over QMP: {@code stop}, {@code cont} and {@code query-status} on one
 * connection, opened on first use and again after a failure. QEMU's {@code stop} returns once
 * every vCPU has left guest code, so no guest write is in flight when {@link #pause()} returns.
 */
final class QmpVmControl implements VmControl, AutoCloseable {

    private final Path socket;
    private final Duration timeout;
    private QmpClient client;

    QmpVmControl(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    @Override
    public synchronized void pause() throws QmpException {
        call("stop");
    }

    @Override
    public synchronized void resume() throws QmpException {
        call("cont");
    }

    /** QEMU throttles vCPUs only inside its own migration (cpu-throttle-percentage); an outside process cannot. */
    @Override
    public void throttle(int percent) throws QmpException {
        if (percent != 0) {
            throw new QmpException("QEMU throttles a guest's vCPUs only during its own migration, not for an outside process");
        }
    }

    /** RUNNING, PAUSED for every stopped state QEMU reports, GONE when it has shut down or does not answer. */
    @Override
    public synchronized VmState state() {
        try {
            return QemuRunState.of(connected().status());
        } catch (QmpException e) {
            drop();
            return VmState.GONE;
        }
    }

    private void call(String command) throws QmpException {
        try {
            connected().execute(command, null);
        } catch (QmpException e) {
            drop();
            throw e;
        }
    }

    private QmpClient connected() throws QmpException {
        if (client == null || !client.isOpen()) {
            drop();
            client = QmpClient.connect(socket, timeout);
        }
        return client;
    }

    private void drop() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
