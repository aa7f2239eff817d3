/**
 * The host's virtio memory balloon device with free page hinting (docs/PROTOCOL.md part B), as a
 * state machine without I/O: {@code BalloonDevice} ties together the balloon's configuration
 * space, the free page queue (what the driver's buffers mean) and the hint rounds, behind the
 * virtio-mmio register file of {@code io.pagehint.channel.virtio.transport}. Each step returns an
 * {@code Outcome} that the channel (package {@code io.pagehint.channel.virtio}) carries out on the
 * doorbell and for the consumers once the device's lock is released. Private to the bundle.
 */
package io.pagehint.channel.virtio.device;
