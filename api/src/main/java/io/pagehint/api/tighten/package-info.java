/** Tightening a loose free-page bitmap into the tight one (section 5, API 7c): the architecture SPI, the layout-driven algorithm every architecture delegates to, and the cache of its compiled layouts. */
@Export
@Version("1.2.0")
package io.pagehint.api.tighten;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
