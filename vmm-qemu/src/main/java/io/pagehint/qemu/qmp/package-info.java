/** A small client of QEMU's machine protocol (QMP) on a UNIX socket. */
@Export
@Version("1.0.0")
package io.pagehint.qemu.qmp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
