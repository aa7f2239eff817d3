/**
 * The virtio-mmio (version 2) register interface of a device, carried over a doorbell socket as
 * fixed 16-byte messages (docs/PROTOCOL.md B.1, B.2): register offsets, device status bits,
 * transport feature bits, and the message codec both ends use. Exported for the guest driver.
 */
@Export
@Version("1.0.0")
package io.pagehint.channel.virtio.mmio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
