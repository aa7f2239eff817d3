package io.pagehint.guest.driver;

import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.guest.kernel.HintingSupport;
import java.util.OptionalInt;

/** The real kernel's hinting seam, passed through, for a test to hold up one call at a chosen moment. */
public class InterposedHints implements HintingSupport {

    private final HintingSupport kernel;

    public InterposedHints(HintingSupport kernel) {
        this.kernel = kernel;
    }

    @Override
    public GuestMemInfo memInfo() {
        return kernel.memInfo();
    }

    @Override
    public OptionalInt pagePoison() {
        return kernel.pagePoison();
    }

    @Override
    public void freePageBitmap(boolean dropCleanPageCache, int maxWordsPerPiece, BitmapSink sink) {
        kernel.freePageBitmap(dropCleanPageCache, maxWordsPerPiece, sink);
    }

    @Override
    public int hintBlockOrder() {
        return kernel.hintBlockOrder();
    }

    @Override
    public long takeHintBlock() {
        return kernel.takeHintBlock();
    }

    @Override
    public void returnHintBlock(long firstPfn) {
        kernel.returnHintBlock(firstPfn);
    }

    @Override
    public void registerShrinker(Shrinker shrinker) {
        kernel.registerShrinker(shrinker);
    }

    @Override
    public long allocKernelPages(int order) {
        return kernel.allocKernelPages(order);
    }

    @Override
    public void recordHintQueue(HintQueue queue) {
        kernel.recordHintQueue(queue);
    }

    @Override
    public java.util.Optional<HintQueue> hintQueue() {
        return kernel.hintQueue();
    }

    @Override
    public DeviceMemory physicalMemory() {
        return kernel.physicalMemory();
    }
}
