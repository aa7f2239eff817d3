package io.pagehint.guest.boot;

import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import io.pagehint.guest.driver.serial.SerialGuestDriver;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.guest.vcpu.Vcpus;
import io.pagehint.reference.control.ControlHandler;
import io.pagehint.reference.control.ControlServer;
import io.pagehint.reference.control.GuestStatus;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running reference guest: its RAM and dirty log (shared files), its kernel, its vCPUs, its
 * control socket and its hint drivers. Started from a {@link GuestConfig} and the layout of its
 * machine; runs until {@code QUIT} (or {@link #close()}).
 */
public final class GuestProcess implements ControlHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuestProcess.class);
    /** The longest a pause may wait for the vCPUs to reach a safepoint. */
    static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(10);

    private final GuestConfig config;
    private final GuestPhysicalMemory memory;
    private final GuestKernel kernel;
    private final Vcpus vcpus;
    private final List<GuestDriver> drivers = new ArrayList<>();
    private final CountDownLatch quit = new CountDownLatch(1);
    private ControlServer control;
    private boolean closed;

    private GuestProcess(GuestConfig config, GuestPhysicalMemory memory, GuestKernel kernel) {
        this.config = config;
        this.memory = memory;
        this.kernel = kernel;
        this.vcpus = new Vcpus(kernel, config.workload(), config.vcpus(), config.seed());
    }

    /** Creates (or, with {@code attach}, opens) the guest's RAM, boots or attaches its kernel, and starts it. */
    public static GuestProcess start(GuestConfig config, GuestMemoryLayout layout) throws IOException {
        GuestPhysicalMemory mem = config.attach()
                ? GuestPhysicalMemory.attach(config.ramFile(), config.dirtyLog(), layout)
                : GuestPhysicalMemory.create(config.ramFile(), config.dirtyLog(), layout);
        GuestProcess g;
        try {
            GuestKernel kernel = config.attach() ? GuestKernel.attach(mem) : GuestKernel.boot(mem, config.boot());
            if (config.attach()) {
                // the hint round of the migration that brought this RAM is over: its blocks are free memory again
                kernel.returnHeldHintBlocks();
            }
            g = new GuestProcess(config, mem, kernel);
        } catch (RuntimeException e) {
            mem.close();
            deleteCreated(config);
            throw e;
        }
        try {
            if (config.serial() != null) {
                SerialGuestDriver.warmUp(g.kernel); // part of booting: before anyone can reach the guest
            }
            g.control = ControlServer.start(config.control(), g);
            if (config.serial() != null) {
                g.drivers.add(GuestDrivers.start(HintSource.TRANSPORT_SERIAL, config.serial(), g.kernel, config.hintPace()));
            }
            if (config.virtio() != null) {
                g.drivers.add(GuestDrivers.start(HintSource.TRANSPORT_VIRTIO_BALLOON, config.virtio(), g.kernel, config.hintPace()));
            }
            if (config.paused()) {
                g.kernel.gate().pause(PAUSE_TIMEOUT); // nothing runs yet: closes the gate at once
            }
            g.vcpus.start();
        } catch (IOException | RuntimeException e) {
            g.close();
            deleteCreated(config);
            throw e;
        } catch (TimeoutException | InterruptedException e) {
            g.close();
            deleteCreated(config);
            throw new IOException("could not start paused", e);
        }
        LOG.info("guest running: {} {} MiB of RAM, {} vCPUs, workload {}, control {}", config.machine().machine(),
                config.machine().ramBytes() >> 20, config.vcpus(), config.workload(), config.control());
        return g;
    }

    /** A guest that did not start leaves no RAM file and no dirty log that it created (an attached guest's files stay). */
    private static void deleteCreated(GuestConfig config) {
        if (config.attach()) {
            return;
        }
        for (java.nio.file.Path p : new java.nio.file.Path[] {config.ramFile(), config.dirtyLog()}) {
            try {
                java.nio.file.Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("could not delete {} of a guest that did not start: {}", p, e.getMessage());
            }
        }
    }

    public GuestKernel kernel() {
        return kernel;
    }

    /** Waits until the guest is told to quit. */
    public void awaitQuit() throws InterruptedException {
        quit.await();
    }

    @Override
    public void pause() throws TimeoutException, InterruptedException {
        kernel.gate().pause(PAUSE_TIMEOUT);
    }

    @Override
    public void resume() {
        kernel.gate().resume();
    }

    @Override
    public void throttle(int percent) {
        vcpus.throttle(percent);
    }

    @Override
    public GuestStatus status() {
        var info = kernel.geometry();
        return new GuestStatus(kernel.gate().isPaused() ? "PAUSED" : "RUNNING", vcpus.count(), config.workload().toString(),
                vcpus.phases(), vcpus.operations(), vcpus.operationsPerSecond(), vcpus.bytesWritten(),
                vcpus.throttlePercent(), kernel.freePages(), kernel.pageCache().cachedPages(),
                kernel.pageCache().dirtyPages(), kernel.anonPages(), kernel.hintPages(), info.pageSize(),
                info.pfnLimit() - 1, kernel.poisonCorruptions(), kernel.allocationFailures(), vcpus.failures());
    }

    @Override
    public void quit() {
        quit.countDown();
    }

    /** Stops the vCPUs, the drivers and the control socket, and unmaps RAM; the files stay. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        quit.countDown();
        vcpus.close();
        for (GuestDriver d : drivers) {
            try {
                d.close();
            } catch (RuntimeException e) {
                LOG.warn("guest driver {} did not close cleanly", d.transport(), e);
            }
        }
        if (control != null) {
            control.close();
        }
        memory.close();
    }
}
