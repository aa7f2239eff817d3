package io.pagehint.runtime.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.function.ToIntFunction;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code pagehint} executable's way into the framework: the launcher (outside the framework)
 * finds this service by {@value #MAIN_PROPERTY}{@code =true} and hands it the process's
 * arguments. Typed as a JDK interface so the launcher's class loader and this bundle's agree on it.
 */
@Component(service = ToIntFunction.class, property = CommandLineService.MAIN_PROPERTY + "=true")
public final class CommandLineService implements ToIntFunction<String[]> {

    /** The service property the launcher looks for (it keeps its own copy of the name). */
    public static final String MAIN_PROPERTY = "pagehint.main";

    private final BundleContext bundleContext;

    @Activate
    public CommandLineService(BundleContext bundleContext) {
        this.bundleContext = bundleContext;
    }

    /** Runs the command line on the process's stdout and stderr; returns the exit code. */
    @Override
    public int applyAsInt(String[] args) {
        Charset cs = Charset.defaultCharset();
        return PagehintCli.run(bundleContext,
                new PrintWriter(new OutputStreamWriter(System.out, cs)),
                new PrintWriter(new OutputStreamWriter(System.err, cs)),
                args);
    }
}
