package io.pagehint.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code pagehint --version}: the runtime bundle's version and the framework it runs on. */
final class BundleVersion implements IVersionProvider {

    private final CliContext context;

    BundleVersion(CliContext context) {
        this.context = context;
    }

    @Override
    public String[] getVersion() {
        var self = context.bundleContext().getBundle();
        var framework = context.bundleContext().getBundle(0);
        return new String[] {
                "pagehint " + self.getVersion(),
                "on " + framework.getSymbolicName() + " " + framework.getVersion()
                        + ", Java " + System.getProperty("java.version")
        };
    }
}
