/** Booting a Linux guest with pagehint's guest side under QEMU, in a private work folder that is removed afterwards. */
@Export
@Version("1.0.0")
package io.pagehint.qemu.launch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
