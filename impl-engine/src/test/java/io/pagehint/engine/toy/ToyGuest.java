package io.pagehint.engine.toy;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmControl;
import io.pagehint.api.vm.VmState;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.StampedLock;

/**
 * A guest for engine tests, in this JVM: RAM in direct buffers, vCPU threads that allocate, write
 * and free pages through one write path that marks the dirty log, a pause that waits for every
 * vCPU to be between operations, and its used/free state kept outside RAM so a test can compare
 * the destination with it. Deliberately simple; the reference guest is the real thing.
 */
public final class ToyGuest implements VirtualMachine, AutoCloseable {

    /** How the guest behaves. */
    public record Behaviour(int vcpus, int opsPerMillisecond, double initialUsedFraction, Integer poison, long seed,
                            boolean initOnAlloc) {
        public Behaviour(int vcpus, int opsPerMillisecond, double initialUsedFraction, Integer poison, long seed) {
            this(vcpus, opsPerMillisecond, initialUsedFraction, poison, seed, false);
        }

        public static Behaviour idle(double used) {
            return new Behaviour(0, 0, used, null, 1);
        }

        public static Behaviour churn(int vcpus, int opsPerMs, long seed) {
            return new Behaviour(vcpus, opsPerMs, 0.3, null, seed);
        }

        /** Booted init-on-alloc: every allocation zeroes its page first, a write like any other. */
        public Behaviour withInitOnAlloc() {
            return new Behaviour(vcpus, opsPerMillisecond, initialUsedFraction, poison, seed, true);
        }
    }

    final ToyMemory mem;
    private final GuestMemoryLayout layout;
    private final String id;
    private final Behaviour behaviour;
    private final PageBitmap[] dirty;
    /** Pages that hold memory: written at least once, like a sparse RAM file's data pages. */
    private final PageBitmap[] backed;
    final PageBitmap usedPfns;
    final PageBitmap freePfns;
    private final Object allocLock = new Object();
    private final StampedLock safepoint = new StampedLock();
    private volatile long pauseStamp;
    private volatile int throttle;
    private volatile int highestThrottle;
    private volatile boolean running = true;
    private volatile boolean logging;
    private final List<Thread> vcpus = new ArrayList<>();
    volatile long operations;
    volatile int pauses;
    volatile int resumes;

    public ToyGuest(String id, GuestMemoryLayout layout, Behaviour behaviour) {
        this.id = id;
        this.layout = layout;
        this.behaviour = behaviour;
        this.mem = new ToyMemory(layout);
        this.dirty = new PageBitmap[layout.blocks().size()];
        for (int b = 0; b < dirty.length; b++) {
            dirty[b] = new PageBitmap(layout.blocks().get(b).pages(layout.guestPageSize()));
        }
        backed = new PageBitmap[dirty.length];
        for (int b = 0; b < dirty.length; b++) {
            backed[b] = new PageBitmap(dirty[b].size());
        }
        usedPfns = new PageBitmap(layout.pfnLimit());
        freePfns = new PageBitmap(layout.pfnLimit());
        boot();
        for (int v = 0; v < behaviour.vcpus(); v++) {
            SplittableRandom rnd = new SplittableRandom(behaviour.seed() * 31 + v);
            Thread t = new Thread(() -> vcpu(rnd), "toy-vcpu-" + id + "-" + v);
            t.setDaemon(true);
            vcpus.add(t);
            t.start();
        }
    }

    private void boot() {
        int ps = layout.guestPageSize();
        for (RamRange r : layout.ramRanges()) {
            freePfns.setRange(r.guestPhysAddr() / ps, r.guestPhysEnd() / ps);
        }
        for (ReservedRange r : layout.reserved()) {
            long from = r.guestPhysAddr() / ps;
            long to = Math.min(freePfns.size(), (r.guestPhysEnd() + ps - 1) / ps);
            if (from < to) {
                freePfns.clearRange(from, to);
            }
        }
        SplittableRandom rnd = new SplittableRandom(behaviour.seed());
        if (behaviour.poison() != null) {
            freePfns.forEachSetRange((s, e) -> {
                for (long p = s; p < e; p++) {
                    poisonPage(p);
                }
            });
        }
        long toUse = (long) (freePfns.cardinality() * behaviour.initialUsedFraction());
        for (long i = 0; i < toUse; i++) {
            allocate(rnd);
        }
    }

    // ------------------------------------------------------------------ the guest's work

    private void vcpu(SplittableRandom rnd) {
        while (running) {
            long stamp = safepoint.readLock();
            try {
                for (int i = 0; i < Math.max(1, behaviour.opsPerMillisecond()) && running; i++) {
                    operate(rnd);
                }
            } finally {
                safepoint.unlockRead(stamp);
            }
            try {
                Thread.sleep(1 + throttle / 10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void operate(SplittableRandom rnd) {
        synchronized (allocLock) {
            int op = rnd.nextInt(100);
            if (op < 35) {
                allocate(rnd);
            } else if (op < 70) {
                long pfn = randomSet(usedPfns, rnd);
                if (pfn >= 0) {
                    byte[] bytes = new byte[256];
                    rnd.nextBytes(bytes);
                    write(pfn, rnd.nextInt(layout.guestPageSize() / 256) * 256, bytes);
                }
            } else {
                long pfn = randomSet(usedPfns, rnd);
                if (pfn >= 0) {
                    free(pfn);
                }
            }
            operations++;
        }
    }

    private void allocate(SplittableRandom rnd) {
        long pfn = randomSet(freePfns, rnd);
        if (pfn < 0) {
            return;
        }
        freePfns.clear(pfn);
        usedPfns.set(pfn);
        fillAllocated(pfn, rnd);
    }

    private void fillAllocated(long pfn, SplittableRandom rnd) {
        byte[] page = new byte[layout.guestPageSize()];
        if (behaviour.initOnAlloc()) {
            write(pfn, 0, page);
        }
        rnd.nextBytes(page);
        write(pfn, 0, page);
    }

    private void free(long pfn) {
        if (behaviour.poison() != null) {
            poisonPage(pfn);
        }
        usedPfns.clear(pfn);
        freePfns.set(pfn);
    }

    private void poisonPage(long pfn) {
        byte[] poison = new byte[layout.guestPageSize()];
        java.util.Arrays.fill(poison, (byte) (int) behaviour.poison());
        write(pfn, 0, poison);
    }

    /** The one write path: data first, then a full fence, then the dirty bit. */
    private void write(long pfn, int offset, byte[] bytes) {
        long[] at = mem.locate(pfn);
        ByteBuffer page = mem.page((int) at[0], at[1]);
        page.put(offset, bytes);
        backed[(int) at[0]].set(at[1]);
        VarHandle.fullFence();
        dirty[(int) at[0]].set(at[1]);
    }

    private static long randomSet(PageBitmap bm, SplittableRandom rnd) {
        long p = bm.nextSetBit(rnd.nextLong(bm.size()));
        return p >= 0 ? p : bm.nextSetBit(0);
    }

    /**
     * Memory pressure: the guest takes these pages, if still free, and writes them whole, as a vCPU
     * would (it waits while the guest is paused). Returns how many it took.
     */
    public int reuse(long[] pfns, long seed) {
        long stamp = safepoint.readLock();
        try {
            int n = 0;
            SplittableRandom rnd = new SplittableRandom(seed);
            synchronized (allocLock) {
                for (long pfn : pfns) {
                    if (freePfns.get(pfn)) {
                        freePfns.clear(pfn);
                        usedPfns.set(pfn);
                        fillAllocated(pfn, rnd);
                        n++;
                    }
                }
            }
            return n;
        } finally {
            safepoint.unlockRead(stamp);
        }
    }

    /** Frees that fraction of the used pages (a job that exited); their content stays unless the guest poisons. */
    public void freeFraction(double fraction) {
        synchronized (allocLock) {
            long n = (long) (usedPfns.cardinality() * fraction);
            SplittableRandom rnd = new SplittableRandom(behaviour.seed() + 1);
            for (long i = 0; i < n; i++) {
                long pfn = randomSet(usedPfns, rnd);
                if (pfn >= 0) {
                    free(pfn);
                }
            }
        }
    }

    // ------------------------------------------------------------------ what the host sees

    @Override
    public String id() {
        return id;
    }

    @Override
    public GuestMemoryLayout layout() {
        return layout;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public long operations() {
        return operations;
    }

    /** The vCPU throttle now, and the highest it has been. */
    public int throttle() {
        return throttle;
    }

    public int highestThrottle() {
        return highestThrottle;
    }

    public boolean isPaused() {
        return pauseStamp != 0;
    }

    @Override
    public GuestRam ram() {
        return ramSpi;
    }

    private final GuestRam ramSpi = new GuestRam() {
            @Override
            public int maxViewBytes() {
                return 1 << 20;
            }

            @Override
            public ByteBuffer view(int block, long offset, int length) {
                return mem.view(block, offset, length).asReadOnlyBuffer();
            }

            @Override
            public long markUnbackedPages(int block, long fromPage, long toPage, PageBitmap into) {
                long n = 0;
                for (long p = fromPage; p < toPage; p++) {
                    if (!backed[block].get(p)) {
                        into.set(p);
                        n++;
                    }
                }
                return n;
            }
    };

    @Override
    public DirtyLog dirtyLog() {
        return dirtyLogSpi;
    }

    private final DirtyLog dirtyLogSpi = new DirtyLog() {
            @Override
            public void start() {
                for (PageBitmap d : dirty) {
                    d.clearAll();
                }
                logging = true;
            }

            @Override
            public long harvest(int block, PageBitmap into) {
                PageBitmap log = dirty[block];
                long[] words = new long[64];
                long n = 0;
                for (long w = 0; w < log.wordCount(); w += words.length) {
                    int len = (int) Math.min(words.length, log.wordCount() - w);
                    n += log.getAndClearWords(w, words, 0, len);
                    into.orWords(w, words, 0, len);
                }
                return n;
            }

            @Override
            public void stop() {
                logging = false;
            }

            @Override
            public boolean isLogging() {
                return logging;
            }
    };

    @Override
    public VmControl control() {
        return controlSpi;
    }

    private final Control controlSpi = new Control();

    /** Pause and resume without checked exceptions: the toy cannot fail at them. */
    private final class Control implements VmControl {
            @Override
            public synchronized void pause() {
                if (pauseStamp == 0) {
                    pauseStamp = safepoint.writeLock();
                    pauses++;
                }
            }

            @Override
            public synchronized void resume() {
                if (pauseStamp != 0) {
                    long s = pauseStamp;
                    pauseStamp = 0;
                    safepoint.unlockWrite(s);
                    resumes++;
                }
            }

            @Override
            public void throttle(int percent) {
                throttle = percent;
                highestThrottle = Math.max(highestThrottle, percent);
            }

            @Override
            public VmState state() {
                return pauseStamp != 0 ? VmState.PAUSED : VmState.RUNNING;
            }
    }

    @Override
    public DeviceMemory deviceMemory() {
        throw new UnsupportedOperationException("the toy guest has no devices");
    }

    /** Stops the vCPUs (after a test; resumes first so they can see it). */
    @Override
    public void close() {
        running = false;
        controlSpi.resume();
        for (Thread t : vcpus) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What a mismatch between this (paused) guest and a destination's RAM looks like, or empty lists if it is whole. */
    public List<String> compareWith(ToyMemory destination) {
        List<String> problems = new ArrayList<>();
        Integer poison = behaviour.poison();
        for (long pfn = 0; pfn < usedPfns.size(); pfn++) {
            boolean used = usedPfns.get(pfn);
            if (!used && poison == null) {
                continue;
            }
            long[] at = mem.locate(pfn);
            if (at == null) {
                continue;
            }
            ByteBuffer src = mem.page((int) at[0], at[1]);
            ByteBuffer dst = destination.page((int) at[0], at[1]);
            if (used && src.mismatch(dst) >= 0) {
                problems.add("used page " + pfn + " differs");
            } else if (!used && freePfns.get(pfn) && !allBytes(dst, (byte) (int) poison)) {
                problems.add("free page " + pfn + " does not hold the poison value");
            }
        }
        return problems;
    }

    private static boolean allBytes(ByteBuffer b, byte v) {
        for (int i = 0; i < b.remaining(); i++) {
            if (b.get(b.position() + i) != v) {
                return false;
            }
        }
        return true;
    }
}
