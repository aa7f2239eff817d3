package io.pagehint.api.tighten;

/**
 * What one tightening did.
 *
 * @param freePages           tight bits set in the recomputed host pages
 * @param holeBits            loose bits set in holes or reserved ranges: pages the guest called
 *                            free that are not its RAM (a misbehaving guest), not copied
 * @param partialHostPageBits guest pages hinted free but not marked, because other guest pages of
 *                            the same host page were not free
 */
public record TightenResult(long freePages, long holeBits, long partialHostPageBits) {

    public static final TightenResult NONE = new TightenResult(0, 0, 0);

    public TightenResult plus(TightenResult o) {
        return new TightenResult(freePages + o.freePages, holeBits + o.holeBits, partialHostPageBits + o.partialHostPageBits);
    }
}
