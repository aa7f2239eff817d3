package io.pagehint.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line without the end-to-end benchmark (docs/DESIGN.md, move 3): the real pagehint.jar
 * with the io.pagehint.benche2e bundle taken out still starts every bundle, and {@code pagehint bench}
 * says in one line that the benchmark is absent; the runtime bundle itself carries no chart library.
 */
class WithoutBenchmarkIT {

    private static final Path JAR = Path.of(System.getProperty("pagehint.jar", "target/pagehint.jar"));
    private static final String BENCH_BUNDLE = "bundles/3-pagehint/io.pagehint.benche2e-";

    @TempDir
    Path tmp;
    private Path withoutBench;

    /** A copy of pagehint.jar without the benchmark's bundle, in this test's folder. */
    @BeforeEach
    void copyWithoutTheBenchmark() throws IOException {
        withoutBench = tmp.resolve("pagehint-without-bench.jar");
        int left = 0;
        try (JarInputStream in = new JarInputStream(Files.newInputStream(JAR));
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(withoutBench), in.getManifest())) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.getName().startsWith(BENCH_BUNDLE)) {
                    left++;
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        assertThat(left).as("the benchmark's bundle in " + JAR).isEqualTo(1);
    }

    private record Run(int exit, String out, String err) {
    }

    private Run pagehint(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Djava.io.tmpdir=" + tmp, "-jar", withoutBench.toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("pagehint " + String.join(" ", args) + " did not end");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void everyBundleStartsWithoutTheBenchmark() throws Exception {
        Run run = pagehint("info", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonObject info = JsonParser.parseString(run.out()).getAsJsonObject();
        List<String> names = new ArrayList<>();
        for (JsonElement b : info.getAsJsonArray("bundles")) {
            assertThat(b.getAsJsonObject().get("state").getAsString()).as(b.toString()).isEqualTo("ACTIVE");
            names.add(b.getAsJsonObject().get("symbolicName").getAsString());
        }
        assertThat(names).contains("io.pagehint.runtime", "io.pagehint.engine").doesNotContain("io.pagehint.benche2e");
    }

    @Test
    void benchSaysInOneLineThatTheBenchmarkIsAbsent() throws Exception {
        Run run = pagehint("bench", "--ram", "64M", "--repeat", "1");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Error");
        List<String> console = run.err().lines().filter(l -> !l.isBlank() && !l.startsWith("[")).toList();
        assertThat(console).as(run.err()).containsExactly("pagehint bench: pagehint bench needs the end-to-end benchmark "
                + "(bundle io.pagehint.benche2e), which this runtime does not have");
    }

    @Test
    void theRuntimeBundleCarriesNoChartLibrary() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            JarEntry runtime = jar.stream().filter(e -> e.getName().matches("bundles/3-pagehint/io\\.pagehint\\.runtime-.*\\.jar"))
                    .findFirst().orElseThrow();
            List<String> chart = new ArrayList<>();
            int classes = 0;
            try (InputStream in = jar.getInputStream(runtime); JarInputStream bundle = new JarInputStream(in)) {
                for (JarEntry e = bundle.getNextJarEntry(); e != null; e = bundle.getNextJarEntry()) {
                    classes += e.getName().endsWith(".class") ? 1 : 0;
                    if (e.getName().startsWith("org/jfree/")) {
                        chart.add(e.getName());
                    }
                }
            }
            assertThat(classes).as("classes in the runtime bundle").isPositive();
            assertThat(chart).as("JFreeChart in the runtime bundle").isEmpty();
        }
    }
}
