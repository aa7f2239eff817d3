package io.pagehint.itests;

import javax.inject.Inject;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
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
        // shared file would hold only the last class's log, not the failing one's
        String logDir = System.getProperty("pagehint.itests.logDir");
        if (logDir != null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", logDir + "/framework-log-" + getClass().getSimpleName() + ".txt");
        }
        return RuntimeBundles.options();
    }
}
