package io.pagehint.runtime.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every subcommand of one command-line run shares: the runtime's bundle context, where to
 * print, and how long to wait for a service. A subcommand gets it through its constructor
 * ({@code public MyCommand(CliContext context)}).
 *
 * <p>Services found through {@link #await} are held until the run ends, so a delayed component
 * stays active while a command uses it.
 */
public final class CliContext implements AutoCloseable {

    /** How long a command waits for a service unless {@code --wait} says otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final BundleContext bundleContext;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
    private volatile Duration serviceWait = DEFAULT_WAIT;

    public CliContext(BundleContext bundleContext, PrintWriter out, PrintWriter err) {
        this.bundleContext = bundleContext;
        this.out = out;
        this.err = err;
    }

    public BundleContext bundleContext() {
        return bundleContext;
    }

    /** Where a command prints its result. */
    public PrintWriter out() {
        return out;
    }

    /** Where a command prints diagnostics. */
    public PrintWriter err() {
        return err;
    }

    public Duration serviceWait() {
        return serviceWait;
    }

    void serviceWait(Duration wait) {
        this.serviceWait = wait;
    }

    /**
     * The highest-ranked service of {@code type} whose properties match {@code filter}, waiting up
     * to {@link #serviceWait()} for one to appear.
     *
     * @param filter an LDAP filter on the service properties, or null for any
     * @param what   what the service is, in the user's words, for the error message
     * @throws CliException if none appears in time
     */
    public <S> S await(Class<S> type, String filter, String what) {
        return await(type, filter, what, serviceWait);
    }

    /** Like {@link #await(Class, String, String)}, waiting up to {@code wait} (a booting guest's deadline). */
    public <S> S await(Class<S> type, String filter, String what, Duration wait) {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(bundleContext, filter(type, filter), null);
        synchronized (trackers) {
            trackers.add(tracker);
        }
        tracker.open();
        try {
            S service = tracker.waitForService(Math.max(1, wait.toMillis()));
            if (service == null) {
                throw new CliException("no " + what + " appeared within " + Durations.format(wait)
                        + " (service " + type.getName() + (filter == null ? "" : " " + filter) + ")");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for " + what);
        }
    }

    private Filter filter(Class<?> type, String filter) {
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        try {
            return bundleContext.createFilter(filter == null ? objectClass : "(&" + objectClass + filter + ")");
        } catch (InvalidSyntaxException e) {
            throw new CliException("bad service filter " + filter + ": " + e.getMessage(), PagehintCli.EXIT_USAGE);
        }
    }

    /** Releases every service the run looked up. */
    @Override
    public void close() {
        synchronized (trackers) {
            trackers.forEach(ServiceTracker::close);
            trackers.clear();
        }
    }
}
