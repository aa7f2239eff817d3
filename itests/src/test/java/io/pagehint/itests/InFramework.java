package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import javax.inject.Inject;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every in-framework test shares: the framework booted with the runtime's bundles
 * ({@link RuntimeBundles#options()}) and the probe's bundle context. Subclasses run with
 * {@code @RunWith(PaxExam.class)} and {@code @ExamReactorStrategy(PerClass.class)}: one framework
 * per test class.
 */
public abstract class InFramework {

    /** The longest a test here waits for a service to appear. */
    protected static final Duration SERVICE_WAIT = Duration.ofSeconds(60);

    @Inject
    protected BundleContext context;

    /** A factory configuration with {@code properties}, as an operator's {@code etc/*.cfg} would make it. */
    protected org.osgi.service.cm.Configuration factoryConfiguration(String factoryPid, Map<String, Object> properties)
            throws Exception {
        org.osgi.service.cm.Configuration c = awaitService(ConfigurationAdmin.class, "").createFactoryConfiguration(factoryPid, "?");
        c.update(new Hashtable<>(properties));
        return c;
    }

    /** The service of {@code type} that matches {@code filter} (may be empty), once it is registered; fails after {@link #SERVICE_WAIT}. */
    protected <S> S awaitService(Class<S> type, String filter) throws Exception {
        ServiceTracker<S, S> t = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        t.open();
        S s = t.waitForService(SERVICE_WAIT.toMillis());
        assertThat(s).as(type.getSimpleName() + " " + filter).isNotNull();
        return s;
    }

    @Configuration
    public Option[] config() {
        // one framework log per test class: the framework's slf4j-simple opens its file afresh, so a
        // shared file would hold only the last class's log, not the failing one's. Set when this
        // class's container starts (a system property option), not here: Pax Exam asks every class
        // for its configuration before the first one runs, so the last class asked would win.
        String logDir = System.getProperty("pagehint.itests.logDir");
        if (logDir == null) {
            return RuntimeBundles.options();
        }
        return OptionUtils.combine(RuntimeBundles.options(), CoreOptions.systemProperty("org.slf4j.simpleLogger.logFile")
                .value(logDir + "/framework-log-" + getClass().getSimpleName() + ".txt"));
    }
}
