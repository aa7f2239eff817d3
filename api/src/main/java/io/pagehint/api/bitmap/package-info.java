/** Free-page bitmaps: the loose (by guest page frame number) and tight (by RAM offset) forms, on one page bitmap type. */
@Export
@Version("2.0.0")
package io.pagehint.api.bitmap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
