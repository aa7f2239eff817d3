package io.pagehint.guest.kernel;

import io.pagehint.api.vm.DeviceMemory;

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

    @Override
    public boolean isRam(long gpa, long length) {
        return mem.isRam(gpa, length);
    }

    @Override
    public byte readByte(long gpa) {
        gate.enter();
        try {
            return mem.readByte(gpa);
        } finally {
            gate.exit();
        }
    }

    @Override
    public short readShort(long gpa) {
        gate.enter();
        try {
            return mem.readShort(gpa);
        } finally {
            gate.exit();
        }
    }

    @Override
    public int readInt(long gpa) {
        gate.enter();
        try {
            return mem.readInt(gpa);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long readLong(long gpa) {
        gate.enter();
        try {
            return mem.readLong(gpa);
        } finally {
            gate.exit();
        }
    }

    @Override
    public short readShortAcquire(long gpa) {
        gate.enter();
        try {
            return mem.readShortAcquire(gpa);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void readBytes(long gpa, byte[] dst, int off, int len) {
        gate.enter();
        try {
            mem.readBytes(gpa, dst, off, len);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void writeShort(long gpa, short value) {
        gate.enter();
        try {
            mem.writeShort(gpa, value);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void writeInt(long gpa, int value) {
        gate.enter();
        try {
            mem.writeInt(gpa, value);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void writeLong(long gpa, long value) {
        gate.enter();
        try {
            mem.writeLong(gpa, value);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void writeShortRelease(long gpa, short value) {
        gate.enter();
        try {
            mem.writeShortRelease(gpa, value);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void writeBytes(long gpa, byte[] src, int off, int len) {
        gate.enter();
        try {
            mem.writeBytes(gpa, src, off, len);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void fullFence() {
        mem.fullFence();
    }
}
