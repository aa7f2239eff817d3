package io.pagehint.guest.vcpu;

import io.pagehint.guest.kernel.ExecutionGate;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.guest.kernel.GuestStoppedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest's vCPUs: one thread each, running its workload one operation at a time inside the
 * kernel's execution gate. Between operations (at a safepoint) a vCPU waits what its workload
 * asked, and sleeps what the throttle asks; a pause of the gate catches every vCPU there.
 */
public final class Vcpus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Vcpus.class);

    private final GuestKernel kernel;
    private final WorkloadSpec spec;
    private final List<Vcpu> cpus = new ArrayList<>();
    private final Throttle throttle = new Throttle();
    private final AtomicLong failures = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private volatile boolean stopping;

    public Vcpus(GuestKernel kernel, WorkloadSpec spec, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("a guest needs at least one vCPU");
        }
        this.kernel = kernel;
        this.spec = spec;
        for (int i = 0; i < count; i++) {
            cpus.add(new Vcpu(new VcpuContext(i, count, kernel, seed), spec.create(i, count)));
        }
    }

    /** Starts the vCPU threads. */
    public void start() {
        for (Vcpu c : cpus) {
            c.thread.start();
        }
    }

    public WorkloadSpec workload() {
        return spec;
    }

    public int count() {
        return cpus.size();
    }

    /** Throttles every vCPU by {@code percent} (0 to 99). */
    public void throttle(int percent) {
        throttle.set(percent);
    }

    public int throttlePercent() {
        return throttle.percent();
    }

    /** Operations run so far, all vCPUs. */
    public long operations() {
        long n = 0;
        for (Vcpu c : cpus) {
            n += c.ops;
        }
        return n;
    }

    public long bytesWritten() {
        long n = 0;
        for (Vcpu c : cpus) {
            n += c.ctx.bytesWritten();
        }
        return n;
    }

    /** Operations a second since the start. */
    public double operationsPerSecond() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        return secs <= 0 ? 0 : operations() / secs;
    }

    /** vCPUs that stopped on an error. */
    public long failures() {
        return failures.get();
    }

    /** What the workloads say they are doing (their names; phases for phased workloads). */
    public List<String> phases() {
        List<String> p = new ArrayList<>();
        for (Vcpu c : cpus) {
            p.add(c.workload.name());
        }
        return p;
    }

    /** Stops the vCPUs (a paused guest is resumed first) and waits for their threads. */
    @Override
    public void close() {
        stopping = true;
        ExecutionGate gate = kernel.gate();
        for (Vcpu c : cpus) {
            LockSupport.unpark(c.thread);
        }
        if (gate.isPaused()) {
            gate.resume();
        }
        for (Vcpu c : cpus) {
            try {
                c.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Vcpu implements Runnable {
        final VcpuContext ctx;
        final Workload workload;
        final Thread thread;
        volatile long ops;

        Vcpu(VcpuContext ctx, Workload workload) {
            this.ctx = ctx;
            this.workload = workload;
            this.thread = new Thread(this, "vcpu-" + ctx.id());
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            ExecutionGate gate = kernel.gate();
            long ran = 0;
            try {
                while (!stopping) {
                    long t0 = System.nanoTime();
                    long wait;
                    gate.enter();
                    try {
                        if (stopping) {
                            return; // released from a pause only to stop: run nothing more
                        }
                        wait = workload.step(ctx);
                        ops++;
                    } finally {
                        gate.exit();
                    }
                    ran += System.nanoTime() - t0;
                    long sleep = throttle.sleepAfter(ran);
                    if (sleep > 0 || wait > 0) {
                        pause(Math.max(sleep, wait));
                        ran = 0;
                    }
                }
            } catch (GuestStoppedException e) {
                LOG.debug("vCPU {} stopped: {}", ctx.id(), e.getMessage());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.error("vCPU {} failed running {}", ctx.id(), workload.name(), e);
            }
        }

        /** Waits at a safepoint; returns early when the guest stops. */
        private void pause(long nanos) {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0 && !stopping; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
    }
}
