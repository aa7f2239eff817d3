/**
 * The wire format of the virtio-serial hint port (docs/PROTOCOL.md, part A): frame header,
 * message types, features, error codes, and a reader and writer that enforce the framing rules.
 * Exported so the guest driver speaks exactly the codec the host end checks against.
 */
@Export
@Version("1.0.0")
package io.pagehint.channel.serial.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
