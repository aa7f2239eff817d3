package io.pagehint.benche2e.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What Linux says about a process and a file: {@code /proc/PID/status} (VmRSS, VmHWM, the
 * kernel's resident set and its high-water mark, fs/proc/task_mmu.c {@code task_mem}),
 * {@code /proc/PID/stat} (CPU time, fs/proc/array.c {@code do_task_stat}), and a file's allocated
 * blocks (the memory a tmpfs file holds).
 */
final class ProcStats {

    private ProcStats() {
    }

    /** A {@code kB} field of {@code /proc/PID/status} in bytes, or -1 when the process is gone or has no such field. */
    static long statusBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(field + ":")) {
                    String v = line.substring(field.length() + 1).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time the process has used, user and system, all threads, in seconds (clock ticks of
     * 10 ms); -1 when the process is gone.
     */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name, field 2, is in parentheses and may hold spaces: count from after it
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Bytes of memory (or disk) a file holds: its allocated blocks, as {@code stat} reports them;
     * a sparse tmpfs file holds only what was written. -1 if it cannot tell.
     */
    static long allocatedBytes(Path file) {
        if (!Files.exists(file)) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return -1;
            }
            String[] f = out.split(" ");
            return Long.parseLong(f[0]) * Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
