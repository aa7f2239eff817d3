package io.pagehint.runtime.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The {@code pagehint} executable: starts Felix with the bundles packed into this jar, hands the
 * command line to the command-line bundle, and exits with the code it returns.
 *
 * <p>The hand-over is a service, because the launcher and the bundles see different class
 * loaders: the command-line bundle registers a {@code java.util.function.ToIntFunction<String[]>}
 * (a JDK type, the same class on both sides) with the property {@value #MAIN_PROPERTY}{@code =true}.
 *
 * <p>Exit codes: what the command returns (0 ok, 1 failed, 2 usage), or {@value #EXIT_LAUNCH_FAILED}
 * when the runtime itself could not start.
 */
public final class Launcher {

    /** Service property of the command-line service. */
    public static final String MAIN_PROPERTY = "pagehint.main";
    /** The runtime did not come up (sysexits' EX_SOFTWARE). */
    public static final int EXIT_LAUNCH_FAILED = 70;

    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    /**
     * SPI Fly reports through java.util.logging at INFO on every start ("Registered provider ...");
     * only its warnings belong on a command's console. Held here: JUL keeps loggers weakly.
     */
    private static final Logger SPI_FLY_LOG = Logger.getLogger("org.apache.aries.spifly");

    private final FrameworkStorage storage = FrameworkStorage.create();
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** The thread running the command, interrupted on SIGINT/SIGTERM so the command can cancel and report. */
    private volatile Thread commandThread;
    /** Counted down once the command has returned and its output is flushed. */
    private final CountDownLatch commandDone = new CountDownLatch(1);
    private volatile boolean signalled;
    /** Set once started; read by the shutdown hook on Ctrl-C. */
    private volatile Framework framework;

    private Launcher() {
    }

    /** System property: this jar's path, for commands that start more pagehint processes (demo, bench). */
    public static final String JAR_PROPERTY = "pagehint.jar";

    public static void main(String[] args) {
        SPI_FLY_LOG.setLevel(Level.WARNING);
        try {
            System.setProperty(JAR_PROPERTY,
                    new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath());
        } catch (URISyntaxException | SecurityException e) {
            // only the commands that start other pagehint processes need it, and they say so
        }
        String[] commandLine;
        try {
            commandLine = LogSettings.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println("pagehint: " + e.getMessage());
            System.exit(2);
            return;
        }
        Launcher launcher = new Launcher();
        int code = launcher.run(commandLine);
        System.out.flush();
        System.err.flush();
        launcher.commandDone.countDown();
        System.exit(code);
    }

    private int run(String[] args) {
        commandThread = Thread.currentThread();
        Thread hook = new Thread(this::onSignal, "pagehint shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return launch(args);
        } catch (Exception e) {
            if (signalled) {
                // stopped by a signal while the runtime was still coming up: nothing went wrong
                System.err.println("pagehint: stopped by a signal");
                return EXIT_LAUNCH_FAILED;
            }
            System.err.println("pagehint: the runtime did not start: " + e);
            return EXIT_LAUNCH_FAILED;
        } finally {
            // a signal interrupted the command; its interrupt must not cut the framework's stop short
            Thread.interrupted();
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run: it did the same stop
            }
        }
    }

    private int launch(String[] args) throws Exception {
        List<EmbeddedBundle> bundles = embeddedBundles();
        int topLevel = bundles.isEmpty() ? 1 : bundles.get(bundles.size() - 1).startLevel();

        framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(frameworkProperties(topLevel));
        framework.init();
        install(bundles);

        CountDownLatch started = new CountDownLatch(1);
        framework.getBundleContext().addFrameworkListener(e -> {
            if (e.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        });
        framework.start();
        if (!started.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the framework did not reach start level " + topLevel);
        }
        storage.restrict(); // what the framework wrote at start, owner-only whatever the umask

        return runCommandLine(args);
    }

    private Map<String, String> frameworkProperties(int topLevel) {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, storage.dir().toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(topLevel));
        // Gogo's shell reads the console only when asked to (pagehint shell opens its own session);
        // -Dgosh.args=... on the java command line overrides this, as in any Felix launcher
        p.put("gosh.args", System.getProperty("gosh.args", "--nointeractive"));
        // EventAdmin prints its warnings on stdout, among a command's output (--json!), and warns on
        // every quick shutdown that it was interrupted while delivering framework events
        p.put("org.apache.felix.eventadmin.LogLevel", System.getProperty("org.apache.felix.eventadmin.LogLevel", "1"));
        return p;
    }

    /** The bundles under {@code bundles/} of the jar this class was loaded from, in start order. */
    private static List<EmbeddedBundle> embeddedBundles() throws IOException, URISyntaxException {
        File jar = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<EmbeddedBundle> found = new ArrayList<>();
        try (JarFile jf = new JarFile(jar)) {
            for (JarEntry e : Collections.list(jf.entries())) {
                EmbeddedBundle b = EmbeddedBundle.of(e.getName());
                if (b != null) {
                    found.add(b);
                }
            }
        }
        Collections.sort(found);
        return found;
    }

    private void install(List<EmbeddedBundle> bundles) throws IOException, BundleException {
        for (EmbeddedBundle eb : bundles) {
            Bundle b;
            try (InputStream in = Launcher.class.getClassLoader().getResourceAsStream(eb.entry())) {
                if (in == null) {
                    throw new IOException("missing from the jar: " + eb.entry());
                }
                b = framework.getBundleContext().installBundle(eb.entry(), in);
            }
            b.adapt(BundleStartLevel.class).setStartLevel(eb.startLevel());
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                // marks it to start when the framework reaches its level
                b.start();
            }
        }
    }

    /** Waits for the command-line service and runs {@code args} through it, holding the service meanwhile. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private int runCommandLine(String[] args) throws Exception {
        var filter = framework.getBundleContext().createFilter(
                "(&(" + Constants.OBJECTCLASS + "=" + ToIntFunction.class.getName() + ")(" + MAIN_PROPERTY + "=true))");
        ServiceTracker tracker = new ServiceTracker(framework.getBundleContext(), filter, null);
        tracker.open(true);
        try {
            var main = (ToIntFunction<String[]>) tracker.waitForService(TimeUnit.SECONDS.toMillis(START_TIMEOUT_SECONDS));
            if (main == null) {
                System.err.println("pagehint: the command-line service did not appear; bundles not active: " + notActive());
                return EXIT_LAUNCH_FAILED;
            }
            return main.applyAsInt(args);
        } finally {
            tracker.close();
        }
    }

    private String notActive() {
        List<String> names = new ArrayList<>();
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (b.getState() != Bundle.ACTIVE && b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                names.add(b.getSymbolicName());
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /**
     * SIGINT or SIGTERM: first lets the command wind down (interrupted, {@code migrate} and
     * {@code receive} cancel their migration, send CANCEL and print their report), at most
     * {@value #WIND_DOWN_SECONDS} s, then stops the runtime.
     */
    private void onSignal() {
        signalled = true;
        Thread command = commandThread;
        if (command != null && commandDone.getCount() > 0) {
            command.interrupt();
            try {
                commandDone.await(WIND_DOWN_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }

    private static final long WIND_DOWN_SECONDS = 15;

    /** Stops the framework and deletes its storage; runs once, at the end or on Ctrl-C. */
    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Framework fw = framework;
        if (fw != null) {
            try {
                fw.stop();
                fw.waitForStop(STOP_TIMEOUT_MILLIS);
            } catch (BundleException | InterruptedException e) {
                System.err.println("pagehint: the framework did not stop cleanly: " + e);
            }
        }
        storage.delete();
    }
}
