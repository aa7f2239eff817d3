/** Tightening a loose free-page bitmap into the tight one (section 5, API 7c): the architecture SPI, and the layout-driven algorithm every architecture delegates to. */
@Export
@Version("1.1.0")
package io.pagehint.api.tighten;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
