/**
 * The host's virtio-mmio transport: the register file a driver reads and writes through the
 * doorbell (docs/PROTOCOL.md B.2), kept apart from the device behind it the way QEMU
 * (hw/virtio/virtio-mmio.c) and Linux (drivers/virtio/virtio_mmio.c) keep the transport apart
 * from the balloon. Private to the bundle: the guest driver uses only the offsets in
 * {@code io.pagehint.channel.virtio.mmio}.
 */
package io.pagehint.channel.virtio.transport;
