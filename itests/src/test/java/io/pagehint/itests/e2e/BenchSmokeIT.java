package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.runtime.process.PagehintProcess;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark cannot rot: {@code pagehint bench} at 256 MiB, one pair per scenario, run as a
 * user runs it, writes a JSON file in which every migration arrived whole and every hinted run of
 * a guest with free memory skipped pages, and a PNG chart drawn inside the Felix framework by the
 * charting library embedded in the benchmark's bundle (io.pagehint.benche2e). (Whether the guest's READY came before the
 * small migration ended depends on the machine's load, so it is not asserted.)
 */
class BenchSmokeIT {

    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-bench-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @AfterEach
    void cleanUp() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void everyScenarioMigratesWholeAndHintsSkipFreePages() throws Exception {
        Path json = dir.resolve("results.json");
        Path png = dir.resolve("results.png");
        int exit;
        String errors;
        try (PagehintProcess bench = PagehintProcess.start(dir, "bench", List.of(), List.of("bench", "--ram", "256M",
                "--repeat", "1", "--churn-warm-up", "2s", "--json", json.toString(),
                "--chart", png.toString()))) {
            exit = bench.await(Duration.ofMinutes(6));
            errors = bench.errors();
        }

        assertThat(exit).as(errors).isZero();
        JsonObject results = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(results.getAsJsonObject("limits").get("loopbackBytesPerSecond").getAsDouble()).isPositive();
        assertThat(results.getAsJsonObject("limits").get("zeroScanBytesPerSecond").getAsDouble()).isPositive();
        assertThat(results.getAsJsonObject("limits").get("freshMemoryBytesPerSecond").getAsDouble()).isPositive();
        List<JsonObject> runs = results.getAsJsonArray("runs").asList().stream().map(JsonElement::getAsJsonObject).toList();
        assertThat(runs).extracting(r -> r.get("scenario").getAsString() + " " + r.get("variant").getAsString())
                .containsExactly("idle legacy", "idle hinted", "used-then-freed legacy", "used-then-freed hinted",
                        "churn legacy", "churn hinted", "page-cache legacy", "page-cache hinted",
                        "page-cache hinted-drop-cache");
        for (JsonObject run : runs) {
            String what = run.get("scenario").getAsString() + " " + run.get("variant").getAsString();
            assertThat(run.get("succeeded").getAsBoolean()).as(what + ": " + run.get("failure")).isTrue();
            assertThat(run.get("selfCheckPassed").getAsBoolean()).as(what).isTrue();
            assertThat(run.get("migrationMs").getAsDouble()).as(what).isPositive();
            // CPU time comes in clock ticks of 10 ms: a small hinted run may use less than one
            assertThat(run.get("sourceCpuSeconds").getAsDouble()).as(what + " source CPU measured").isNotNegative();
            assertThat(run.get("destinationPeakRss").getAsLong()).as(what).isPositive();
            long skipped = run.get("pagesSkippedByHints").getAsLong();
            boolean hinted = !run.get("variant").getAsString().equals("legacy");
            boolean freeMemory = !run.get("variant").getAsString().equals("hinted")
                    || !run.get("scenario").getAsString().equals("page-cache");
            if (!hinted) {
                assertThat(skipped).as(what).isZero();
            } else if (freeMemory) {
                assertThat(skipped).as(what + " skips the guest's free pages").isGreaterThan(1000);
            }
        }
        assertThat(runs.stream().mapToDouble(r -> r.get("sourceCpuSeconds").getAsDouble()).sum())
                .as("the source's CPU over all runs").isPositive();
        assertThat(results.getAsJsonArray("targets")).isNotEmpty();

        BufferedImage chart = ImageIO.read(png.toFile());
        assertThat(chart).as("a PNG").isNotNull();
        assertThat(chart.getWidth()).isGreaterThan(500);
        assertThat(chart.getHeight()).isGreaterThan(500);
    }
    /** Issue 12: TLS and two streams beside plain single-stream runs, the pipeline limit at 1 and 2 streams, and their targets. */
    @Test
    void tlsAndTwoStreamsAreMeasuredBesidePlainOne() throws Exception {
        Path json = dir.resolve("tls.json");
        int exit;
        String errors;
        try (PagehintProcess bench = PagehintProcess.start(dir, "bench-tls", List.of(), List.of("bench", "--ram", "256M",
                "--scenarios", "used-then-freed", "--tls", "both", "--streams", "1,2", "--repeat", "1", "--no-warm-up",
                "--json", json.toString()))) {
            exit = bench.await(Duration.ofMinutes(6));
            errors = bench.errors();
        }
        assertThat(exit).as(errors).isZero();
        JsonObject results = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject pipeline = results.getAsJsonObject("limits").getAsJsonObject("pipelineBytesPerSecondByStreams");
        assertThat(pipeline.get("1").getAsDouble()).isPositive();
        assertThat(pipeline.get("2").getAsDouble()).isPositive();
        List<JsonObject> runs = results.getAsJsonArray("runs").asList().stream().map(JsonElement::getAsJsonObject).toList();
        assertThat(runs).extracting(r -> (r.get("tls").getAsBoolean() ? "tls" : "plain") + " x" + r.get("streams").getAsInt()
                + " " + r.get("variant").getAsString())
                .containsExactly("plain x1 legacy", "plain x1 hinted", "tls x1 legacy", "tls x1 hinted",
                        "plain x2 legacy", "plain x2 hinted", "tls x2 legacy", "tls x2 hinted");
        for (JsonObject run : runs) {
            assertThat(run.get("succeeded").getAsBoolean()).as(run.get("label") + ": " + run.get("failure")).isTrue();
            assertThat(run.get("selfCheckPassed").getAsBoolean()).isTrue();
        }
        assertThat(results.getAsJsonArray("targets").asList()).extracting(t -> t.getAsJsonObject().get("name").getAsString())
                .anyMatch(n -> n.startsWith("TLS hinted time / plaintext"))
                .anyMatch(n -> n.startsWith("legacy rate / pipeline limit"))
                .anyMatch(n -> n.startsWith("legacy rate 2 streams / 1"));
    }
}
