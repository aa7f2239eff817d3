/** Tightening a loose free-page bitmap into the tight one (section 5, API 7c): the SPI and its result. The algorithm is the {@code io.pagehint.tighten} bundle's, registered once per layout provider. */
@Export
@Version("2.0.0")
package io.pagehint.api.tighten;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
