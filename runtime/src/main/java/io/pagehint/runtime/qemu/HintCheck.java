package io.pagehint.runtime.qemu;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.hint.FreePageBitmapRequest;
import io.pagehint.api.hint.HintException;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.runtime.hints.HintsReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * One hint request to a QEMU guest, checked against its RAM: MEMINFO, the free-page bitmap over
 * the channel, {@code stop} over QMP the moment it is READY (so nothing the guest does afterwards
 * changes a hinted page), the bitmap tightened with the guest's layout, and every hinted page read
 * from the RAM file. The guest is left stopped; the caller resumes it or quits it.
 */
public final class HintCheck {

    private HintCheck() {
    }

    /** What the check found besides the hints report. */
    public record Result(HintsReport hints, boolean stopped, Duration stopTook, long tightPages, long holeBits,
                         long pagesRead, long nonZeroPages, long wholeBlockPages) {
    }

    /** Pages in a Linux max-order buddy block: 1024 (4 MiB), all that virtio-balloon free page hinting reports. */
    public static final int MAX_ORDER_PAGES = 1024;

    /**
     * Hinted pages in whole, aligned 4 MiB blocks of PFNs: what Linux's virtio-balloon driver,
     * which hints only free blocks of the largest order, could report of the same free memory.
     * The buddy allocator merges a fully free aligned 4 MiB stretch into one such block, so this is
     * computed from block sizes, not measured from QEMU's hinting.
     */
    static long wholeBlockPages(LooseFreePageBitmap loose) {
        long pages = 0;
        PageBitmap bits = loose.bits();
        for (long from = 0; from + MAX_ORDER_PAGES <= bits.size(); from += MAX_ORDER_PAGES) {
            if (bits.cardinality(from, from + MAX_ORDER_PAGES) == MAX_ORDER_PAGES) {
                pages += MAX_ORDER_PAGES;
            }
        }
        return pages;
    }

    public static Result run(VirtualMachine vm, HintSource source, BitmapTightener tightener, boolean dropCache, Duration timeout)
            throws HintException, IOException, InterruptedException {
        GuestMemoryLayout layout = vm.layout();
        long staleBefore = source.staleMessagesDropped();
        Optional<GuestMemInfo> info = source.memInfo(timeout);
        HintStatus status;
        FreePageBitmapRequest request = source.requestBitmap(new HintRequestOptions(1, dropCache), layout.pfnLimit(), layout.guestPageSize());
        Duration stopTook = null;
        try (request) {
            status = request.await(timeout);
            if (status == HintStatus.READY) {
                long t0 = System.nanoTime();
                vm.control().pause();
                stopTook = Duration.ofNanos(System.nanoTime() - t0);
            }
        }
        LooseFreePageBitmap loose = request.bitmap();
        HintsReport hints = new HintsReport(vm.id(), source.transport(), info, source.pagePoison(), status, request.detail(),
                request.firstChunkLatency(), request.latency(), loose.bits().cardinality(), layout.guestPageSize(),
                source.staleMessagesDropped() - staleBefore);
        if (status != HintStatus.READY) {
            return new Result(hints, false, null, 0, 0, 0, 0, 0);
        }
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult t = tightener.tighten(layout, loose, tight);
        long[] scan = nonZero(vm.ram(), tight, layout.guestPageSize());
        return new Result(hints, true, stopTook, tight.cardinality(), t.holeBits(), scan[0], scan[1], wholeBlockPages(loose));
    }

    /** {pages read, pages that hold a non-zero byte} over every page set in {@code tight}. */
    static long[] nonZero(GuestRam ram, TightFreePageBitmap tight, int pageSize) {
        long[] counts = new long[2];
        int pagesPerView = Math.max(1, Math.min(ram.maxViewBytes(), 1 << 20) / pageSize);
        for (int b = 0; b < tight.layout().blocks().size(); b++) {
            int block = b;
            PageBitmap bits = tight.block(b);
            bits.forEachSetRange((from, to) -> {
                for (long p = from; p < to; p += pagesPerView) {
                    int n = (int) Math.min(pagesPerView, to - p);
                    ByteBuffer v = ram.view(block, p * pageSize, n * pageSize);
                    for (int i = 0; i < n; i++) {
                        counts[0]++;
                        int base = i * pageSize;
                        for (int o = 0; o < pageSize; o += 8) {
                            if (v.getLong(base + o) != 0) {
                                counts[1]++;
                                break;
                            }
                        }
                    }
                }
            });
        }
        return counts;
    }
}
