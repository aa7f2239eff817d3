package io.pagehint.benche2e.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine a benchmark ran on, for the report: CPU, cores, memory, kernel, Java, and how loaded it was. */
record MachineInfo(String cpu, int cores, long memoryBytes, String kernel, String java, String loadBefore, String loadAfter) {

    static MachineInfo now() {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), loadAverage(), "");
    }

    MachineInfo finished() {
        return new MachineInfo(cpu, cores, memoryBytes, kernel, java, loadBefore, loadAverage());
    }

    String summary() {
        return String.format(Locale.ROOT, "%s, %d cores, %.1f GiB, %s, %s, load average %s%s", cpu, cores,
                memoryBytes / 1073741824.0, kernel, java, loadBefore, loadAfter.isEmpty() ? "" : " -> " + loadAfter);
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo").stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    private static long memTotal() {
        return read("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(-1);
    }

    private static String loadAverage() {
        List<String> l = read("/proc/loadavg");
        if (l.isEmpty()) {
            return "?";
        }
        String[] f = l.get(0).split(" ");
        return f[0] + "/" + f[1] + "/" + f[2];
    }

    private static List<String> read(String file) {
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return List.of();
        }
    }
}
