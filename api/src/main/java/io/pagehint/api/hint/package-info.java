/** Free-page hints: the hint source SPI that channel bundles provide, requests, statuses and chunks (API 7b). */
@Export
@Version("1.1.0")
package io.pagehint.api.hint;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
