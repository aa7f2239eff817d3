/**
 * A running QEMU guest as an API VirtualMachine for hint requests: RAM from its shared
 * memory-backend-file, stop/cont/status over QMP, no dirty log (so never migrated by pagehint).
 */
@Export
@Version("1.0.0")
package io.pagehint.qemu.vm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
