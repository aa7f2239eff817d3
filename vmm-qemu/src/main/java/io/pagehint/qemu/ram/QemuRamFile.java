package io.pagehint.qemu.ram;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.vm.GuestRam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A QEMU guest's RAM as the host reads it: the file of its {@code memory-backend-file,share=on},
 * mapped read-only. The machine's boot RAM is one RAM block ({@code pc.ram}), and block offset
 * {@code o} is byte {@code o} of the file; QEMU maps it into guest-physical space through the
 * layout's ranges (on q35 with 4 GiB: the first 2 GiB at guest-physical 0, the rest at 4 GiB).
 *
 * <p>The file is mapped in windows of {@link #WINDOW_BYTES} that overlap by half, on first use,
 * so a view of up to {@link #MAX_VIEW_BYTES} always lies inside one window. The JDK unmaps a
 * window only when it is garbage-collected; stale buffers therefore stay valid (they read the
 * file, or zeros once QEMU is gone), they never crash the process.
 *
 * <p>This is a small JDK mapping on purpose: pagehint's other mapping code is the reference VMM's
 * (io.pagehint.reference.ram: JNA, several blocks, the dirty-log file, the guest's write path); a
 * QEMU host reads one block read-only and needs none of that, nor JNA.
 */
public final class QemuRamFile implements GuestRam, AutoCloseable {

    static final int WINDOW_SHIFT = 30;
    /** One mapped window: 1 GiB. */
    static final long WINDOW_BYTES = 1L << WINDOW_SHIFT;
    /** Windows start every half window, so any view this long fits one. */
    static final int MAX_VIEW_BYTES = (int) (WINDOW_BYTES / 2);

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final MappedByteBuffer[] windows;

    private QemuRamFile(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.windows = new MappedByteBuffer[(int) Math.max(1, (size + MAX_VIEW_BYTES - 1) / MAX_VIEW_BYTES)];
    }

    /**
     * Opens the RAM file of a guest with {@code layout}: one RAM block, as big as the file.
     *
     * @throws IOException if the file cannot be opened or does not fit the layout
     */
    public static QemuRamFile open(Path file, GuestMemoryLayout layout) throws IOException {
        if (layout.blocks().size() != 1) {
            throw new IOException("a QEMU guest with " + layout.blocks().size()
                    + " RAM blocks (hot-plugged DIMMs) is not supported: only boot RAM in one memory-backend-file");
        }
        RamBlock block = layout.blocks().get(0);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        long size = ch.size();
        if (size != block.size()) {
            ch.close();
            throw new IOException("RAM file " + file + " holds " + size + " bytes, but the guest's " + block.name()
                    + " is " + block.size() + " (is --ram the size QEMU was given?)");
        }
        return new QemuRamFile(file, ch, size);
    }

    public Path file() {
        return file;
    }

    @Override
    public int maxViewBytes() {
        return MAX_VIEW_BYTES;
    }

    @Override
    public ByteBuffer view(int block, long offset, int length) {
        if (block != 0) {
            throw new IndexOutOfBoundsException("a QEMU guest has one RAM block, not block " + block);
        }
        if (length < 0 || length > MAX_VIEW_BYTES || offset < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("view " + offset + "+" + length + " outside RAM of " + size
                    + " bytes or longer than " + MAX_VIEW_BYTES);
        }
        int w = (int) (offset / MAX_VIEW_BYTES);
        MappedByteBuffer window = window(w);
        int at = (int) (offset - (long) w * MAX_VIEW_BYTES);
        return window.slice(at, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private synchronized MappedByteBuffer window(int w) {
        MappedByteBuffer m = windows[w];
        if (m == null) {
            long start = (long) w * MAX_VIEW_BYTES;
            try {
                m = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW_BYTES, size - start));
            } catch (IOException e) {
                throw new IllegalStateException("cannot map RAM file " + file + " at " + start + ": " + e.getMessage(), e);
            }
            windows[w] = m;
        }
        return m;
    }

    /** Closes the file; mapped windows go with the garbage collector. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only file
        }
    }
}
