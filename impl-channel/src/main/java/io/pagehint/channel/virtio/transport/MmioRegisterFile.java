package io.pagehint.channel.virtio.transport;

import io.pagehint.channel.virtio.mmio.Mmio;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtio-mmio version 2 register file of one device (virtio 1.x, "MMIO Device Register
 * Layout"; docs/PROTOCOL.md B.2, B.3): decodes the driver's register accesses and keeps the
 * transport's state — status, feature negotiation, the queue selector and each queue's size and
 * ring addresses, InterruptStatus, ConfigGeneration. What depends on the kind of device (its ID,
 * features, which queues exist, what a ready queue or a notification means, the configuration
 * space) is asked of the {@link MmioDevice} behind it, so the balloon does not decode registers
 * and the register file does not know balloons.
 *
 * <p>Not thread-safe and without a lock of its own: the device owns it and calls it under the
 * device's lock, so one step of the device sees transport and device state change together.
 *
 * @param <R> the device's outcome type, passed through from the device's callbacks
 */
public final class MmioRegisterFile<R> {

    private static final Logger LOG = LoggerFactory.getLogger(MmioRegisterFile.class);

    private final String vmId;
    private final MmioDevice<R> device;
    private final int vendorId;
    private final int queues;

    private int status;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private boolean featuresOk;
    private int queueSel;
    private final int[] queueSize;
    private final long[] descAddr;
    private final long[] driverAddr;
    private final long[] deviceAddr;
    private int interruptStatus;
    private int configGeneration;
    private boolean needsReset;

    /**
     * @param vmId     the guest's id, for log lines
     * @param device   the device behind the registers
     * @param vendorId the VendorID register
     * @param queues   how many queues a driver may select and set up
     */
    public MmioRegisterFile(String vmId, MmioDevice<R> device, int vendorId, int queues) {
        this.vmId = vmId;
        this.device = device;
        this.vendorId = vendorId;
        this.queues = queues;
        this.queueSize = new int[queues];
        this.descAddr = new long[queues];
        this.driverAddr = new long[queues];
        this.deviceAddr = new long[queues];
    }

    /** A register read (the caller checked offset and width with {@link Mmio#isValidAccess}); the value fits the width. */
    public long read(int offset, int width) {
        if (offset >= Mmio.CONFIG) {
            return readConfig(offset - Mmio.CONFIG, width);
        }
        return register(offset) & 0xFFFF_FFFFL;
    }

    private long register(int offset) {
        long offered = device.offeredFeatures();
        return switch (offset) {
            case Mmio.MAGIC_VALUE -> Mmio.MAGIC;
            case Mmio.VERSION -> Mmio.MMIO_VERSION;
            case Mmio.DEVICE_ID -> device.deviceId();
            case Mmio.VENDOR_ID -> vendorId;
            case Mmio.DEVICE_FEATURES -> deviceFeaturesSel == 0 ? offered & 0xFFFF_FFFFL
                    : deviceFeaturesSel == 1 ? offered >>> 32 : 0;
            case Mmio.QUEUE_SIZE_MAX -> device.queueSizeMax(queueSel);
            case Mmio.QUEUE_READY -> device.queueLive(queueSel) ? 1 : 0;
            case Mmio.INTERRUPT_STATUS -> interruptStatus;
            case Mmio.STATUS -> status;
            case Mmio.CONFIG_GENERATION -> Integer.toUnsignedLong(configGeneration);
            default -> 0;
        };
    }

    /** The configuration space is little-endian; an access of several bytes reads them one by one. */
    private long readConfig(int at, int width) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v |= (long) device.configByte(at + i) << (8 * i);
        }
        return v;
    }

    /** A register write (checked as for {@link #read}); what the device does about it comes back as its outcome. */
    public R write(int offset, int width, long value) {
        int v = (int) value;
        if (offset >= Mmio.CONFIG) {
            for (int i = 0; i < width; i++) {
                device.writeConfigByte(offset - Mmio.CONFIG + i, (v >>> (8 * i)) & 0xFF);
            }
            return device.nothing();
        }
        switch (offset) {
            case Mmio.DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
            case Mmio.DRIVER_FEATURES -> {
                // once FEATURES_OK is accepted the negotiated features are fixed until a reset
                if (!featuresOk && driverFeaturesSel == 0) {
                    driverFeatures = (driverFeatures & ~0xFFFF_FFFFL) | Integer.toUnsignedLong(v);
                } else if (!featuresOk && driverFeaturesSel == 1) {
                    driverFeatures = (driverFeatures & 0xFFFF_FFFFL) | ((long) v << 32);
                }
            }
            case Mmio.DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
            case Mmio.QUEUE_SEL -> queueSel = v;
            case Mmio.QUEUE_SIZE -> {
                if (selectable(queueSel)) {
                    queueSize[queueSel] = v;
                }
            }
            case Mmio.QUEUE_DESC_LOW -> setLow(descAddr, v);
            case Mmio.QUEUE_DESC_HIGH -> setHigh(descAddr, v);
            case Mmio.QUEUE_DRIVER_LOW -> setLow(driverAddr, v);
            case Mmio.QUEUE_DRIVER_HIGH -> setHigh(driverAddr, v);
            case Mmio.QUEUE_DEVICE_LOW -> setLow(deviceAddr, v);
            case Mmio.QUEUE_DEVICE_HIGH -> setHigh(deviceAddr, v);
            case Mmio.QUEUE_READY -> {
                // QueueSizeMax reads 0 for a queue that does not exist: QueueReady there is ignored
                if (device.queueSizeMax(queueSel) == 0 || !selectable(queueSel)) {
                    return device.nothing();
                }
                int q = queueSel;
                return device.queueReadyWritten(q, v, new MmioDevice.QueueRegisters(queueSize[q], descAddr[q], driverAddr[q], deviceAddr[q]));
            }
            case Mmio.QUEUE_NOTIFY -> {
                return device.notified(v);
            }
            case Mmio.INTERRUPT_ACK -> interruptStatus &= ~v;
            case Mmio.STATUS -> {
                if (v == 0) {
                    return device.resetByDriver();
                }
                writeStatus(v);
            }
            default -> {
                // read-only or unused registers ignore writes
            }
        }
        return device.nothing();
    }

    /**
     * Status other than a reset. FEATURES_OK is accepted only for a subset of the offered features
     * that has VERSION_1 (this is a non-legacy device); refused, the bit does not stick, which is how
     * the driver learns it (virtio 1.x, "Device Initialization"). DEVICE_NEEDS_RESET is the device's
     * bit: a driver can neither set nor clear it.
     */
    private void writeStatus(int v) {
        long offered = device.offeredFeatures();
        if ((v & Mmio.STATUS_FEATURES_OK) != 0 && !featuresOk) {
            featuresOk = (driverFeatures & ~offered) == 0 && (driverFeatures & (1L << Mmio.F_VERSION_1)) != 0;
            if (!featuresOk) {
                LOG.warn("{}: driver asked for features 0x{} (offered 0x{}, VERSION_1 required); FEATURES_OK refused",
                        vmId, Long.toHexString(driverFeatures), Long.toHexString(offered));
            }
        }
        int keep = (featuresOk ? v : v & ~Mmio.STATUS_FEATURES_OK) & 0xFF; // the status is a byte
        status = (keep & ~Mmio.STATUS_DEVICE_NEEDS_RESET) | (needsReset ? Mmio.STATUS_DEVICE_NEEDS_RESET : 0);
    }

    private boolean selectable(int index) {
        return index >= 0 && index < queues;
    }

    private void setLow(long[] addr, int v) {
        if (selectable(queueSel)) {
            addr[queueSel] = (addr[queueSel] & ~0xFFFF_FFFFL) | Integer.toUnsignedLong(v);
        }
    }

    private void setHigh(long[] addr, int v) {
        if (selectable(queueSel)) {
            addr[queueSel] = (addr[queueSel] & 0xFFFF_FFFFL) | ((long) v << 32);
        }
    }

    // ------------------------------------------------------------------ for the device

    /** The Status register. */
    public int status() {
        return status;
    }

    /** Whether the driver has set DRIVER_OK. */
    public boolean driverOk() {
        return (status & Mmio.STATUS_DRIVER_OK) != 0;
    }

    /** Whether the driver has given up setting the device up (FAILED). */
    public boolean driverFailed() {
        return (status & Mmio.STATUS_FAILED) != 0;
    }

    /** Whether FEATURES_OK was accepted. */
    public boolean featuresOk() {
        return featuresOk;
    }

    /** The features the driver wrote (negotiated once {@link #featuresOk()}). */
    public long driverFeatures() {
        return driverFeatures;
    }

    /** Whether feature {@code bit} was negotiated: FEATURES_OK accepted with the bit set. */
    public boolean negotiated(int bit) {
        return featuresOk && (driverFeatures & (1L << bit)) != 0;
    }

    /** Whether the device has set DEVICE_NEEDS_RESET and the driver has not reset it since. */
    public boolean needsReset() {
        return needsReset;
    }

    /** The device broke down: DEVICE_NEEDS_RESET stays set until the driver resets the device. */
    public void setNeedsReset() {
        needsReset = true;
        status |= Mmio.STATUS_DEVICE_NEEDS_RESET;
    }

    /** Sets InterruptStatus {@code bits}; returns the register after setting them (the doorbell carries it). */
    public int raise(int bits) {
        interruptStatus |= bits;
        return interruptStatus;
    }

    /** The device changed its configuration: ConfigGeneration moves on, so a driver reading across the change reads again. */
    public void configChanged() {
        configGeneration++;
    }

    /** Back to the state after power-on; ConfigGeneration moves on, since the configuration is reset too. */
    public void reset() {
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        featuresOk = false;
        queueSel = 0;
        Arrays.fill(queueSize, 0);
        Arrays.fill(descAddr, 0);
        Arrays.fill(driverAddr, 0);
        Arrays.fill(deviceAddr, 0);
        interruptStatus = 0;
        needsReset = false;
        configGeneration++;
    }
}
