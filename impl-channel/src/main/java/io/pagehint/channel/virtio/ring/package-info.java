/**
 * Split virtqueues (virtio 1.x, "Split Virtqueues") in guest memory, accessed through the API's
 * {@link io.pagehint.api.vm.DeviceMemory}: the layout of the descriptor table, available ring and
 * used ring; the device's side, which checks everything it reads; and the driver's side. Both
 * sides publish ring indexes with release stores and read the other side's with acquire loads,
 * so they work between two processes that map the same guest RAM. Exported so the ring code
 * exists once, for the host's device and the guest's driver.
 */
@Export
@Version("1.0.0")
package io.pagehint.channel.virtio.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
