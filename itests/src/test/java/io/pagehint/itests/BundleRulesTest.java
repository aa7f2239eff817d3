package io.pagehint.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules of DESIGN.md, read from the manifests bnd wrote into the built bundles
 * (the runtime's bundle folder), so a change that breaks one fails the build.
 */
class BundleRulesTest {

    private static final List<String> FORBIDDEN_IN_ENGINE = List.of("io.pagehint.x86", "io.pagehint.arm64", "io.pagehint.channel",
            "io.pagehint.tighten");

    private static Manifest manifest(File jar) throws IOException {
        try (JarFile jf = new JarFile(jar)) {
            return jf.getManifest();
        }
    }

    private static File engineBundle() {
        return RuntimeBundles.pagehint().stream().filter(f -> f.getName().startsWith("io.pagehint.engine-")).findFirst()
                .orElseThrow(() -> new AssertionError("no engine bundle in " + RuntimeBundles.folder()));
    }

    /** Whether an imported package, or a wildcard of DynamicImport-Package, names or could match a forbidden one. */
    private static boolean forbiddenForTheEngine(String pkg) {
        for (String f : FORBIDDEN_IN_ENGINE) {
            if (pkg.equals(f) || pkg.startsWith(f + ".")) {
                return true;
            }
            if (pkg.endsWith("*") && (f + ".").startsWith(pkg.substring(0, pkg.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theEngineImportsNoArchitectureOrChannelPackage() throws IOException {
        Attributes main = manifest(engineBundle()).getMainAttributes();
        assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo("io.pagehint.engine");

        List<String> imported = new ArrayList<>();
        ManifestHeader.parse(main.getValue("Import-Package")).forEach(c -> imported.addAll(c.names()));
        List<String> dynamic = new ArrayList<>();
        ManifestHeader.parse(main.getValue("DynamicImport-Package")).forEach(c -> dynamic.addAll(c.names()));

        assertThat(imported).as("Import-Package of io.pagehint.engine").noneMatch(BundleRulesTest::forbiddenForTheEngine);
        assertThat(dynamic).as("DynamicImport-Package of io.pagehint.engine").noneMatch(BundleRulesTest::forbiddenForTheEngine);
        assertThat(main.getValue("Require-Bundle")).as("Require-Bundle of io.pagehint.engine").isNull();
    }

    @Test
    void theEngineCarriesNoCopyOfAnArchitectureOrChannelClass() throws IOException {
        try (JarFile jf = new JarFile(engineBundle())) {
            assertThat(jf.stream().map(e -> e.getName().replace('/', '.')))
                    .noneMatch(name -> FORBIDDEN_IN_ENGINE.stream().anyMatch(p -> name.startsWith(p + ".")));
        }
    }

    /** The tighten bundle: private packages, and only contracts, the framework and logging imported. */
    @Test
    void theTightenBundleExportsNothingAndImportsOnlyTheApiTheFrameworkAndSlf4j() throws IOException {
        File jar = RuntimeBundles.pagehint().stream().filter(f -> f.getName().startsWith("io.pagehint.tighten-")).findFirst()
                .orElseThrow(() -> new AssertionError("no tighten bundle in " + RuntimeBundles.folder()));
        Attributes main = manifest(jar).getMainAttributes();
        assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo("io.pagehint.tighten");
        assertThat(main.getValue("Export-Package")).as("Export-Package of io.pagehint.tighten").isNull();
        List<String> imported = new ArrayList<>();
        ManifestHeader.parse(main.getValue("Import-Package")).forEach(c -> imported.addAll(c.names()));
        assertThat(imported).as("Import-Package of io.pagehint.tighten").isNotEmpty().allMatch(p -> p.startsWith("io.pagehint.api.")
                || p.startsWith("org.osgi.framework") || p.startsWith("org.osgi.util.tracker") || p.equals("org.slf4j")
                || p.startsWith("java."));
    }

    @Test
    void theRuleCatchesWhatItIsMeantToCatch() {
        assertThat(forbiddenForTheEngine("io.pagehint.x86")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.x86.layout")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.arm64.tighten")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.channel.serial")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.tighten.algorithm")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.*")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.x86*")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.api.*")).isFalse();
        assertThat(forbiddenForTheEngine("*")).isTrue();
        assertThat(forbiddenForTheEngine("io.pagehint.api.hint")).isFalse();
        assertThat(forbiddenForTheEngine("io.pagehint.x86ish")).isFalse();
        assertThat(forbiddenForTheEngine("org.slf4j")).isFalse();
    }

    @Test
    void everyPackageOurBundlesExportHasAVersion() throws IOException {
        List<String> unversioned = new ArrayList<>();
        int exported = 0;
        for (File jar : RuntimeBundles.pagehint()) {
            for (ManifestHeader clause : ManifestHeader.parse(manifest(jar).getMainAttributes().getValue("Export-Package"))) {
                exported += clause.names().size();
                String version = clause.parameters().get("version");
                if (version == null || version.equals("0.0.0") || version.equals("0")) {
                    unversioned.add(jar.getName() + ": " + clause.names());
                }
            }
        }
        assertThat(exported).as("packages exported by our bundles (the API at least)").isGreaterThanOrEqualTo(6);
        assertThat(unversioned).as("exported without a version").isEmpty();
    }

    /**
     * A VMM registers its {@code VirtualMachine} services when its guests start, long after the bundles
     * are deployed: a bundle other than the reference VMM adapter (which provides them) that requires one
     * mandatorily is refused by the resolvers that honour service requirements (Karaf's, bnd's).
     */
    @Test
    void noBundleRequiresAVirtualMachineToResolve() throws IOException {
        List<String> mandatory = new ArrayList<>();
        for (File jar : RuntimeBundles.pagehint()) {
            if (jar.getName().startsWith("io.pagehint.reference-")) {
                continue;
            }
            for (ManifestHeader clause : ManifestHeader.parse(manifest(jar).getMainAttributes().getValue("Require-Capability"))) {
                String filter = clause.parameters().getOrDefault("filter:", "");
                if (clause.names().contains("osgi.service") && filter.contains("io.pagehint.api.vm.")
                        && !"optional".equals(clause.parameters().get("resolution:"))) {
                    mandatory.add(jar.getName() + ": " + filter);
                }
            }
        }
        assertThat(mandatory).as("mandatory osgi.service requirements on a VMM's services").isEmpty();
    }

    @Test
    void headersAreSplitOnlyOutsideQuotes() {
        List<ManifestHeader> h = ManifestHeader.parse(
                "io.pagehint.api.hint;version=\"[1.0,2)\",a.b;c.d;resolution:=optional,org.slf4j;version=\"[2.0,3)\"");

        assertThat(h).hasSize(3);
        assertThat(h.get(0).parameters()).containsEntry("version", "[1.0,2)");
        assertThat(h.get(1).names()).containsExactly("a.b", "c.d");
        assertThat(h.get(1).parameters()).containsEntry("resolution:", "optional");
    }
}
