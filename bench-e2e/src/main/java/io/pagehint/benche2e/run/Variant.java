package io.pagehint.benche2e.run;

/** How one migration of a pair is run: without hints, or with them (and maybe dropping page cache first). */
public enum Variant {
    LEGACY("legacy", false, false),
    HINTED("hinted", true, false),
    HINTED_DROP_CACHE("hinted-drop-cache", true, true);

    private final String label;
    private final boolean hints;
    private final boolean dropCache;

    Variant(String label, boolean hints, boolean dropCache) {
        this.label = label;
        this.hints = hints;
        this.dropCache = dropCache;
    }

    public String label() {
        return label;
    }

    public boolean hints() {
        return hints;
    }

    public boolean dropCache() {
        return dropCache;
    }
}
