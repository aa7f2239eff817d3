package io.pagehint.tighten.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A host tightens guest after guest: the cache must find a layout it compiled, and forget the oldest. */
class LayoutTightenerCacheTest {

    /** A one-block guest of {@code mib} MiB at 1 GiB. */
    static GuestMemoryLayout guest(long mib) {
        long size = mib << 20;
        return new GuestMemoryLayout("toy", "board", 4096,
                List.of(new RamBlock(0, "ram", size, 4096, List.of(new RamRange(1L << 30, size, 0)))), List.of());
    }

    @Test
    void anEqualLayoutFindsTheTightenerCompiledForTheFirst() {
        LayoutTightenerCache cache = new LayoutTightenerCache(2);
        LayoutTightener first = cache.get(guest(16));
        assertThat(cache.get(guest(16))).as("an equal layout, another instance").isSameAs(first);
        assertThat(first.layout()).isEqualTo(guest(16));
    }

    @Test
    void theLeastRecentlyUsedLayoutIsForgottenWhenTheCacheIsFull() {
        LayoutTightenerCache cache = new LayoutTightenerCache(2);
        LayoutTightener a = cache.get(guest(1));
        LayoutTightener b = cache.get(guest(2));
        assertThat(cache.get(guest(1))).as("used again, so b is now the oldest").isSameAs(a);
        cache.get(guest(3));
        assertThat(cache.get(guest(1))).isSameAs(a);
        assertThat(cache.get(guest(2))).as("b was forgotten and is compiled anew").isNotSameAs(b);
    }

    @Test
    void aCacheHoldsAtLeastOneLayout() {
        assertThatThrownBy(() -> new LayoutTightenerCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
