package io.pagehint.guest.kernel;

import io.pagehint.api.vm.DeviceMemory;
import java.util.function.LongSupplier;

/**
 * The guest's own access to its physical memory for drivers ({@link HintingSupport#physicalMemory()}):
 * the write path of guest RAM, each access run as guest code (it waits while the guest is paused).
 */
final class GatedDeviceMemory implements DeviceMemory {

    private final DeviceMemory mem;
    private final ExecutionGate gate;

    GatedDeviceMemory(DeviceMemory mem, ExecutionGate gate) {
        this.mem = mem;
        this.gate = gate;
    }

    private long read(LongSupplier access) {
        gate.enter();
        try {
            return access.getAsLong();
        } finally {
            gate.exit();
        }
    }

    private void run(Runnable access) {
        gate.enter();
        try {
            access.run();
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean isRam(long gpa, long length) {
        return mem.isRam(gpa, length);
    }

    @Override
    public byte readByte(long gpa) {
        return (byte) read(() -> mem.readByte(gpa));
    }

    @Override
    public short readShort(long gpa) {
        return (short) read(() -> mem.readShort(gpa));
    }

    @Override
    public int readInt(long gpa) {
        return (int) read(() -> mem.readInt(gpa));
    }

    @Override
    public long readLong(long gpa) {
        return read(() -> mem.readLong(gpa));
    }

    @Override
    public short readShortAcquire(long gpa) {
        return (short) read(() -> mem.readShortAcquire(gpa));
    }

    @Override
    public void readBytes(long gpa, byte[] dst, int off, int len) {
        run(() -> mem.readBytes(gpa, dst, off, len));
    }

    @Override
    public void writeShort(long gpa, short value) {
        run(() -> mem.writeShort(gpa, value));
    }

    @Override
    public void writeInt(long gpa, int value) {
        run(() -> mem.writeInt(gpa, value));
    }

    @Override
    public void writeLong(long gpa, long value) {
        run(() -> mem.writeLong(gpa, value));
    }

    @Override
    public void writeShortRelease(long gpa, short value) {
        run(() -> mem.writeShortRelease(gpa, value));
    }

    @Override
    public void writeBytes(long gpa, byte[] src, int off, int len) {
        run(() -> mem.writeBytes(gpa, src, off, len));
    }

    @Override
    public void fullFence() {
        mem.fullFence();
    }
}
