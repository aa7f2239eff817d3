package io.pagehint.api.memory;

/**
 * What the guest says of its memory: section 7a of the design note ({@code get_guest_mem_info}).
 * Guest data, so untrusted: hosts use it for reports and sizing, never to decide what to skip.
 *
 * @param freePages   pages on the guest's free lists
 * @param cachedPages pages of the guest's page cache
 * @param maxPfn      the highest page frame number the guest has RAM at
 * @param pageSize    the guest's page size in bytes
 */
public record GuestMemInfo(long freePages, long cachedPages, long maxPfn, int pageSize) {

    public GuestMemInfo {
        if (freePages < 0 || cachedPages < 0 || maxPfn < 0 || pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("impossible guest memory info: free=" + freePages
                    + " cached=" + cachedPages + " maxPfn=" + maxPfn + " pageSize=" + pageSize);
        }
    }
}
