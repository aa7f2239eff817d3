package io.pagehint.guest.vcpu;

import io.pagehint.guest.kernel.GuestKernel;
import java.util.SplittableRandom;

/**
 * One vCPU's own state, handed to its workload at every operation: the kernel, a deterministic
 * random stream (from the guest's seed and the vCPU's number), a page-sized scratch buffer, and
 * the vCPU's anonymous pages (its "processes'" memory) in allocation order.
 */
public final class VcpuContext {

    private final int id;
    private final int vcpus;
    private final GuestKernel kernel;
    private final SplittableRandom random;
    private final byte[] page;
    private long[] anon = new long[256];
    private int anonHead;
    private int anonCount;
    private volatile long bytesWritten;

    VcpuContext(int id, int vcpus, GuestKernel kernel, long seed) {
        this.id = id;
        this.vcpus = vcpus;
        this.kernel = kernel;
        this.random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (id + 1)));
        this.page = new byte[kernel.geometry().pageSize()];
    }

    public int id() {
        return id;
    }

    public int vcpus() {
        return vcpus;
    }

    public GuestKernel kernel() {
        return kernel;
    }

    public SplittableRandom random() {
        return random;
    }

    public int pageSize() {
        return page.length;
    }

    /** Guest pages of RAM. */
    public long ramPages() {
        return kernel.geometry().totalPages();
    }

    /** This vCPU's scratch page. */
    public byte[] scratch() {
        return page;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Allocates an anonymous page and writes it whole with random bytes (a page is written whole
     * on first use, so the kernel never records a checksum for content the guest did not write).
     * Returns its PFN, or -1 when memory ran out.
     */
    public long allocAndFill() {
        long pfn = kernel.allocAnon(id);
        if (pfn >= 0) {
            fillPage(pfn);
            keep(pfn);
        }
        return pfn;
    }

    /** Rewrites one of this vCPU's pages whole with random bytes. */
    public void fillPage(long pfn) {
        random.nextBytes(page);
        kernel.writeAnonPage(pfn, page);
        bytesWritten += page.length;
    }

    /** Writes {@code len} random bytes at a random offset of {@code pfn}. */
    public void patchPage(long pfn, int len) {
        int at = random.nextInt(page.length - len + 1);
        byte[] b = new byte[len];
        random.nextBytes(b);
        kernel.writeAnonBytes(pfn, at, b, 0, len);
        bytesWritten += len;
    }

    /** Remembers a page this vCPU owns (oldest first). */
    public void keep(long pfn) {
        if (anonCount == anon.length) {
            long[] grown = new long[anon.length * 2];
            for (int i = 0; i < anonCount; i++) {
                grown[i] = anon[(anonHead + i) % anon.length];
            }
            anon = grown;
            anonHead = 0;
        }
        anon[(anonHead + anonCount) % anon.length] = pfn;
        anonCount++;
    }

    public int ownedPages() {
        return anonCount;
    }

    /** The {@code i}-th oldest page this vCPU owns. */
    public long ownedPage(int i) {
        return anon[(anonHead + i) % anon.length];
    }

    /** Frees this vCPU's oldest page; false when it owns none. */
    public boolean freeOldest() {
        if (anonCount == 0) {
            return false;
        }
        long pfn = anon[anonHead];
        anonHead = (anonHead + 1) % anon.length;
        anonCount--;
        kernel.freeAnon(pfn);
        return true;
    }

    void addBytes(long n) {
        bytesWritten += n;
    }
}
