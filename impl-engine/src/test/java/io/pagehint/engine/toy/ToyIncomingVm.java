package io.pagehint.engine.toy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/** The destination of a toy guest: RAM in direct buffers, checked against the paused source guest. */
public final class ToyIncomingVm implements IncomingVm {

    final ToyMemory mem;
    private final ToyGuest source;
    volatile boolean abandoned;
    volatile boolean closed;
    volatile long discards;

    public ToyIncomingVm(ToyGuest source) {
        this.source = source;
        this.mem = new ToyMemory(source.layout());
    }

    @Override
    public String id() {
        return source.id() + "-incoming";
    }

    @Override
    public GuestMemoryLayout layout() {
        return source.layout();
    }

    @Override
    public int maxViewBytes() {
        return 1 << 20;
    }

    @Override
    public ByteBuffer writableView(int block, long offset, int length) {
        return mem.view(block, offset, length);
    }

    @Override
    public void discard(int block, long offset, long length) {
        discards++;
        ByteBuffer v = mem.view(block, offset, (int) length);
        while (v.hasRemaining()) {
            v.put((byte) 0);
        }
    }

    @Override
    public SelfCheckResult verify() {
        List<String> problems = source.compareWith(mem);
        return new SelfCheckResult(problems.isEmpty(), source.layout().ramPages(), problems.size(),
                problems.subList(0, Math.min(10, problems.size())), Duration.ZERO);
    }

    public long discards() {
        return discards;
    }

    /** Page {@code page} of block {@code block} as the destination holds it. */
    public ByteBuffer page(int block, long page) {
        return mem.page(block, page);
    }

    public boolean isAbandoned() {
        return abandoned;
    }

    @Override
    public void abandon() {
        abandoned = true;
    }

    /** When set, closing a kept (committed) guest fails with it, as a VMM that cannot take the guest up. */
    public volatile RuntimeException failToTakeUp;

    @Override
    public void close() {
        closed = true;
        RuntimeException e = failToTakeUp;
        if (!abandoned && e != null) {
            throw e;
        }
    }
}
