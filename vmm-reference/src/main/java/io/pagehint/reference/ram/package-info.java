/**
 * A reference guest's machine memory, as its VMM provides it: the RAM file and the dirty-log file
 * (docs/GUEST.md), mapped with JNA; the one write path that marks the dirty log
 * ({@code GuestPhysicalMemory}, what the guest process runs its kernel on); read-only mappings
 * ({@code RamImage}); a destination's incoming RAM ({@code IncomingRam}). Exported for the guest
 * bundle and the JMH benchmarks; buffers over a mapping never leave this package.
 */
@Export
@Version("1.0.0")
package io.pagehint.reference.ram;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
