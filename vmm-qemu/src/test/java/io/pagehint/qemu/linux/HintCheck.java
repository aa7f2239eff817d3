package io.pagehint.qemu.linux;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.hint.FreePageBitmapRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.api.vm.VmState;
import io.pagehint.channel.osgi.HintSourcePublisher;
import io.pagehint.channel.serial.SerialChannel;
import io.pagehint.channel.serial.SerialSettings;
import io.pagehint.qemu.launch.GuestLinuxBuild;
import io.pagehint.qemu.launch.LinuxGuestSpec;
import io.pagehint.qemu.launch.QemuGuest;
import io.pagehint.qemu.vm.QemuVirtualMachine;
import io.pagehint.tighten.whiteboard.LayoutBitmapTightener;
import io.pagehint.x86.layout.X86Layouts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Linux guest asked for its free pages as the test says: boot under QEMU with the
 * port wired to the real serial host end (impl-channel), MEMINFO, one bitmap request over the
 * port, at READY {@code stop} over QMP (through the QEMU adapter), tighten with the x86 layout,
 * then read every hinted page from the RAM file with this class's own code.
 */
final class HintCheck {

    /** Booting under TCG takes 11-24 s for 2 GiB on this kind of machine; churning adds seconds. */
    static final Duration BOOT_DEADLINE = Duration.ofSeconds(Long.getLong("pagehint.linux.boot.seconds", 240));
    static final Duration ANSWER_DEADLINE = Duration.ofSeconds(60);
    static final Pattern WALK = Pattern.compile("pagehint-agent: walk pages=(\\d+) blocks=(\\d+) walk_us=(\\d+) max_lock_us=(\\d+)(.*)");
    private static final Pattern PCP = Pattern.compile("\\bpcp=(\\d+)");
    private static final int PAGE = 4096;

    /** What one guest showed. */
    record Result(GuestMemoryLayout layout, GuestMemInfo memInfo, long hintedPages, long tightPages, TightenResult tighten,
                  long nonZeroPages, long pagesRead, long ownMappingMismatches, Duration ready, String walkLine, long walkPages,
                  long maxLockUs, OptionalLong pcpPages, long[] layoutProbe, java.util.List<String> firstNonZero) {
    }

    private HintCheck() {
    }

    static Result run(GuestLinuxBuild build, String machine, long ramBytes, boolean initOnFree, String prep) throws Exception {
        LinuxGuestSpec spec = new LinuxGuestSpec(build.kernel(), build.initrd(), machine, ramBytes, 1, initOnFree, prep, false);
        GuestMemoryLayout layout = X86Layouts.layout(new MachineSpec("x86_64", machine, ramBytes, Map.of()));
        Path sockets = QemuGuest.privateFolder("pagehint-it-");
        CompletableFuture<HintSource> published = new CompletableFuture<>();
        HintSourcePublisher publisher = (source, props) -> {
            published.complete(source);
            return () -> { };
        };
        // the guest needs its boot to say HELLO: the host end waits that long
        SerialSettings settings = SerialSettings.defaults("linux-it", sockets.resolve("serial.sock")).withHelloTimeout(BOOT_DEADLINE);
        try (SerialChannel host = SerialChannel.open(settings, layout, publisher);
             QemuGuest guest = QemuGuest.boot(spec, host.socketPath(), line -> System.out.println("guest| " + line))) {
            guest.awaitConsole(0, Pattern.compile("pagehint-agent: ready"), BOOT_DEADLINE, "'pagehint-agent: ready' on the guest console");
            HintSource source = published.get(BOOT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            try (QemuVirtualMachine vm = QemuVirtualMachine.open("linux-it", layout, guest.ramFile(), guest.qmpSocket(), ANSWER_DEADLINE)) {
                GuestMemInfo info = source.memInfo(ANSWER_DEADLINE).orElseThrow(() -> new AssertionError("the agent sent no MEMINFO"));
                int mark = guest.consoleMark();
                HintStatus status;
                LooseFreePageBitmap loose;
                Duration ready;
                try (FreePageBitmapRequest request = source.requestBitmap(new HintRequestOptions(1, false), layout.pfnLimit(), PAGE)) {
                    status = request.await(ANSWER_DEADLINE);
                    if (status == HintStatus.READY) {
                        // at READY the guest stops: nothing it does afterwards can change a hinted page
                        vm.control().pause();
                    }
                    if (status != HintStatus.READY) {
                        throw new AssertionError("the request ended " + status + ": " + request.detail());
                    }
                    loose = request.bitmap();
                    ready = request.latency();
                }
                if (vm.control().state() != VmState.PAUSED) {
                    throw new AssertionError("QEMU does not report the guest paused after stop");
                }
                TightFreePageBitmap tight = new TightFreePageBitmap(layout);
                TightenResult t = LayoutBitmapTightener.serving("x86_64", "pc", "q35").tighten(layout, loose, tight);
                RamScan scan = RamScan.of(guest.ramFile(), ramBytes, machine, loose, tight);
                long[] probe = machine.equals("q35") && ramBytes >= 0xb0000000L ? LayoutProbe.run(guest, ramBytes) : null;
                // the agent prints its walk line after BITMAP_DONE: the stopped guest may not have yet
                vm.control().resume();
                Matcher walk = guest.awaitConsole(mark, WALK, ANSWER_DEADLINE, "the agent's walk line");
                Matcher pcp = PCP.matcher(walk.group(5));
                return new Result(layout, info, loose.bits().cardinality(), tight.cardinality(), t, scan.nonZero, scan.read,
                        scan.mappingMismatches, ready, walk.group(0), Long.parseLong(walk.group(1)), Long.parseLong(walk.group(4)),
                        pcp.find() ? OptionalLong.of(Long.parseLong(pcp.group(1))) : OptionalLong.empty(), probe, scan.firstNonZero);
            }
        } finally {
            QemuGuest.deleteTree(sockets);
        }
    }

    /**
     * The RAM-file check, in the test's own terms: where QEMU keeps guest-physical page {@code pfn}
     * of a q35 or pc guest (RAM below the PCI hole from file offset 0; on q35 with more than
     * 0xb0000000 bytes the low part is 2 GiB, on pc 3 GiB, and the rest is at guest-physical
     * 4 GiB, continuing the file), and whether each hinted page reads all zero there.
     */
    static final class RamScan {
        long nonZero;
        long read;
        final java.util.List<String> firstNonZero = new java.util.ArrayList<>();
        long mappingMismatches;

        static long fileOffset(String machine, long ramBytes, long pfn) {
            long gpa = pfn * PAGE;
            long low = machine.equals("q35") ? (ramBytes >= 0xb0000000L ? 0x80000000L : ramBytes)
                    : (ramBytes >= 0xe0000000L ? 0xc0000000L : ramBytes);
            if (gpa < low) {
                return gpa;
            }
            if (gpa >= (1L << 32) && gpa - (1L << 32) < ramBytes - low) {
                return low + gpa - (1L << 32);
            }
            return -1;
        }

        static RamScan of(Path ramFile, long ramBytes, String machine, LooseFreePageBitmap loose, TightFreePageBitmap tight)
                throws IOException {
            RamScan s = new RamScan();
            ByteBuffer page = ByteBuffer.allocateDirect(PAGE).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(ramFile, StandardOpenOption.READ)) {
                for (long pfn = loose.bits().nextSetBit(0); pfn >= 0; pfn = loose.bits().nextSetBit(pfn + 1)) {
                    long off = fileOffset(machine, ramBytes, pfn);
                    if (off < 0) {
                        continue; // not RAM: the tightener drops it too (counted in its hole bits)
                    }
                    // the tightened bitmap, indexed by page of the RAM block (= page of the file), must agree
                    if (!tight.block(0).get(off / PAGE)) {
                        s.mappingMismatches++;
                    }
                    page.clear();
                    while (page.hasRemaining()) {
                        if (ch.read(page, off + page.position()) < 0) {
                            throw new IOException("RAM file ends before " + (off + PAGE));
                        }
                    }
                    s.read++;
                    for (int i = 0; i < PAGE; i += 8) {
                        if (page.getLong(i) != 0) {
                            s.nonZero++;
                            if (s.firstNonZero.size() < 8) {
                                int used = 0;
                                for (int k = 0; k < PAGE; k += 8) {
                                    used += page.getLong(k) != 0 ? 1 : 0;
                                }
                                s.firstNonZero.add(String.format("pfn 0x%x (%d non-zero words, first at %d: %016x)", pfn, used, i, page.getLong(i)));
                            }
                            break;
                        }
                    }
                }
            }
            // and nothing set in the tightened bitmap that the guest did not hint
            if (tight.cardinality() > s.read) {
                s.mappingMismatches += tight.cardinality() - s.read;
            }
            return s;
        }
    }

    /**
     * QEMU's own view of guest-physical memory ({@code pmemsave} over QMP) against the RAM file
     * at the offsets of {@link RamScan#fileOffset}: 1 MiB just below 2 GiB, at 4 GiB and at the top
     * of RAM must be the same bytes. A probe that reads all zeros proves nothing about where bytes
     * are, so it is counted apart; the guest is stopped.
     *
     * @return {probes that differ, probes that held data}
     */
    static final class LayoutProbe {
        static final int BYTES = 1 << 20;

        static long[] run(QemuGuest guest, long ramBytes) throws IOException {
            long high = ramBytes - 0x80000000L;
            long[] gpas = {0x80000000L - BYTES, 1L << 32, (1L << 32) + high - BYTES};
            long bad = 0;
            long informative = 0;
            for (long gpa : gpas) {
                Path dump = guest.workFolder().resolve("probe-" + Long.toHexString(gpa));
                com.google.gson.JsonObject args = new com.google.gson.JsonObject();
                args.addProperty("val", gpa);
                args.addProperty("size", BYTES);
                args.addProperty("filename", dump.toString());
                guest.qmp().execute("pmemsave", args);
                byte[] fromQemu = java.nio.file.Files.readAllBytes(dump);
                byte[] fromFile = new byte[BYTES];
                try (FileChannel ch = FileChannel.open(guest.ramFile(), StandardOpenOption.READ)) {
                    ByteBuffer b = ByteBuffer.wrap(fromFile);
                    long off = RamScan.fileOffset("q35", ramBytes, gpa / PAGE);
                    while (b.hasRemaining() && ch.read(b, off + b.position()) >= 0) {
                        // read it all
                    }
                }
                if (!java.util.Arrays.equals(fromQemu, fromFile)) {
                    bad++;
                }
                for (byte x : fromQemu) {
                    if (x != 0) {
                        informative++;
                        break;
                    }
                }
            }
            return new long[] {bad, informative};
        }
    }

    static Optional<String> describe(Result r) {
        return Optional.of(String.format("MemFree %d pages, hinted %d (tight %d, holes %d), non-zero %d of %d read %s, READY after %s, %s",
                r.memInfo().freePages(), r.hintedPages(), r.tightPages(), r.tighten().holeBits(), r.nonZeroPages(), r.pagesRead(),
                r.firstNonZero(), r.ready(), r.walkLine()));
    }
}
