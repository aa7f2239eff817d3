package io.pagehint.itests;

import javax.inject.Inject;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.BundleContext;

/**
 * What every in-framework test shares: the framework booted with the runtime's bundles
 * ({@link RuntimeBundles#options()}) and the probe's bundle context. Subclasses run with
 * {@code @RunWith(PaxExam.class)} and {@code @ExamReactorStrategy(PerClass.class)}: one framework
 * per test class.
 */
public abstract class InFramework {

    @Inject
    protected BundleContext context;

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
