/**
 * The virtio memory balloon device's numbers as the virtio 1.x specification gives them (device
 * ID, feature bits, configuration layout, free-page-hint command ids) and the queue numbering
 * this project follows (docs/PROTOCOL.md B.4). Exported for the guest driver.
 */
@Export
@Version("1.0.0")
package io.pagehint.channel.virtio.balloon;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
