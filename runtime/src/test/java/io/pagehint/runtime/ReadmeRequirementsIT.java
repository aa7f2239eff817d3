package io.pagehint.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The top README's requirement table ("Deploying the bundles into an existing OSGi framework") names
 * every bundle bnd's resolver put into the runtime, with the version it chose: a bundle added,
 * dropped or upgraded without the table following fails the build.
 */
class ReadmeRequirementsIT {

    /** {@code bsn;version='[1.2.3,1.2.4)'} in the resolved -runbundles. */
    private static final Pattern RUN_BUNDLE = Pattern.compile("([\\w.\\-]+);version='\\[([^,]+),");

    /** Symbolic name and version of each resolved run bundle, from target/pagehint.bndrun. */
    static Map<String, String> resolved(String bndrun) {
        String list = bndrun.substring(bndrun.indexOf("-runbundles:"));
        Map<String, String> bundles = new LinkedHashMap<>();
        Matcher m = RUN_BUNDLE.matcher(list);
        while (m.find()) {
            bundles.put(m.group(1), m.group(2));
        }
        return bundles;
    }

    @Test
    void theRequirementTableNamesEveryResolvedBundleWithItsVersion() throws Exception {
        Map<String, String> bundles = resolved(Files.readString(Path.of("target/pagehint.bndrun")));
        assertThat(bundles).as("resolved run bundles").hasSizeGreaterThan(20).containsKey("io.pagehint.engine");

        String readme = Files.readString(Path.of("../README.md"));
        int from = readme.indexOf("## Deploying the bundles into an existing OSGi framework");
        String table = readme.substring(from, readme.indexOf("\n## ", from + 1));
        List<String> missing = new ArrayList<>();
        bundles.forEach((bsn, version) -> {
            if (!bsn.startsWith("io.pagehint.") && !table.contains("`" + bsn + "` " + version)) {
                missing.add("`" + bsn + "` " + version);
            }
        });
        assertThat(missing).as("resolved bundles the README's requirement table does not name").isEmpty();
    }

    @Test
    void theRunBundlesAreReadAsBndWritesThem() {
        assertThat(resolved("-runfw: x\n-runbundles: \\\n\tcom.google.gson;version='[2.13.2,2.13.3)',\\\n"
                + "\torg.objectweb.asm.tree.analysis;version='[9.6.0,9.6.1)'\n"))
                .containsExactly(Map.entry("com.google.gson", "2.13.2"), Map.entry("org.objectweb.asm.tree.analysis", "9.6.0"));
    }
}
