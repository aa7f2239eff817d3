package io.pagehint.runtime.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the framework's log lines (slf4j-simple inside the framework: component INFO lines, the
 * channels, the engine's migration lines) go. A command prints its own output; by default the log
 * shows only warnings and errors, on stderr. {@code --verbose} shows INFO lines on stderr too;
 * {@code --log-file <file>} writes INFO and up to that file instead, with times. Both are launcher
 * options: they come first on the command line ({@code pagehint --verbose demo}), because
 * slf4j-simple reads its settings once, when the first bundle logs, before any command runs.
 * A {@code -Dorg.slf4j.simpleLogger.*} property on the java command line wins over all of this.
 */
final class LogSettings {

    static final String VERBOSE = "--verbose";
    static final String LOG_FILE = "--log-file";

    private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String FILE = "org.slf4j.simpleLogger.logFile";
    private static final String DATE_TIME = "org.slf4j.simpleLogger.showDateTime";

    private LogSettings() {
    }

    /**
     * Applies the launcher's log options found at the start of {@code args} and returns the rest,
     * for the command line.
     *
     * @throws IllegalArgumentException if {@code --log-file} has no file
     */
    static String[] apply(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean verbose = false;
        Path file = null;
        while (!rest.isEmpty()) {
            String a = rest.get(0);
            if (a.equals(VERBOSE)) {
                verbose = true;
                rest.remove(0);
            } else if (a.equals(LOG_FILE)) {
                if (rest.size() < 2 || rest.get(1).isBlank()) {
                    throw new IllegalArgumentException(LOG_FILE + " needs a file");
                }
                file = Path.of(rest.get(1));
                rest.subList(0, 2).clear();
            } else if (a.startsWith(LOG_FILE + "=")) {
                String f = a.substring(LOG_FILE.length() + 1);
                if (f.isBlank()) {
                    throw new IllegalArgumentException(LOG_FILE + " needs a file");
                }
                file = Path.of(f);
                rest.remove(0);
            } else {
                break;
            }
        }
        setUnlessGiven(LEVEL, verbose || file != null ? "info" : "warn");
        if (file != null) {
            setUnlessGiven(FILE, file.toAbsolutePath().toString());
            setUnlessGiven(DATE_TIME, "true");
        }
        return rest.toArray(String[]::new);
    }

    private static void setUnlessGiven(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
