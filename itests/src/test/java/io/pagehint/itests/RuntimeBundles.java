package io.pagehint.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.ops4j.pax.exam.Option;

/**
 * The runtime's bundles, read from the folder the runtime build fills and pagehint.jar embeds
 * ({@code runtime/target/bundles/<start level>-<group>/*.jar}, passed in as {@code pagehint.bundles}):
 * the tests boot exactly what {@code pagehint} boots, from the reactor's fresh files.
 */
public final class RuntimeBundles {

    private static final Pattern LEVEL_FOLDER = Pattern.compile("(\\d+)-.+");

    /** One bundle file and the start level the runtime gives it. */
    public record RuntimeBundle(File file, int startLevel) {
    }

    private RuntimeBundles() {
    }

    /** The folder, as the build passes it. */
    public static File folder() {
        String path = System.getProperty("pagehint.bundles");
        if (path == null) {
            throw new IllegalStateException("system property pagehint.bundles is not set (run the tests through Maven)");
        }
        File dir = new File(path);
        if (!dir.isDirectory()) {
            throw new IllegalStateException(dir + " does not exist: build the runtime module first (mvn -pl itests -am verify)");
        }
        return dir;
    }

    /** Every bundle, by start level, then by file name: the launcher's order. */
    public static List<RuntimeBundle> all() {
        List<RuntimeBundle> bundles = new ArrayList<>();
        File[] levels = folder().listFiles(File::isDirectory);
        for (File level : levels == null ? new File[0] : levels) {
            Matcher m = LEVEL_FOLDER.matcher(level.getName());
            if (!m.matches()) {
                continue;
            }
            File[] jars = level.listFiles((d, name) -> name.endsWith(".jar"));
            for (File jar : jars == null ? new File[0] : jars) {
                bundles.add(new RuntimeBundle(jar, Integer.parseInt(m.group(1))));
            }
        }
        bundles.sort(Comparator.comparingInt(RuntimeBundle::startLevel).thenComparing(b -> b.file().getName()));
        if (bundles.isEmpty()) {
            throw new IllegalStateException("no bundles under " + folder());
        }
        return bundles;
    }

    /** Our own bundles: the {@code 3-pagehint} group. */
    public static List<File> pagehint() {
        return all().stream().map(RuntimeBundle::file).filter(f -> f.getParentFile().getName().endsWith("-pagehint")).toList();
    }

    /**
     * The Pax Exam configuration: the runtime's bundles at their start levels (SPI Fly and slf4j
     * at 1, below Pax Exam's own bundles at 2 and our bundles at 3; the probe runs at 5), JUnit,
     * and AssertJ (with Byte Buddy, which it needs) from the test class path.
     */
    public static Option[] options() {
        return options(b -> true);
    }

    /**
     * {@link #options()} with only the runtime's bundles that {@code include} accepts: a framework
     * that lacks one, for a test that installs it later.
     */
    public static Option[] options(Predicate<RuntimeBundle> include) {
        List<Option> opts = new ArrayList<>(Arrays.asList(junitBundles()));
        for (Class<?> c : new Class<?>[] {Assertions.class, net.bytebuddy.ByteBuddy.class}) {
            opts.add(bundle(c.getProtectionDomain().getCodeSource().getLocation().toString()));
        }
        for (RuntimeBundle b : all()) {
            if (include.test(b)) {
                opts.add(bundle(b.file().toURI().toString()).startLevel(b.startLevel()).start());
            }
        }
        return opts.toArray(Option[]::new);
    }
}
