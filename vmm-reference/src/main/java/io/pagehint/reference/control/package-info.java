/**
 * The reference VMM's control socket (docs/GUEST.md section 6, normative): the client a host uses
 * to pause, resume, throttle, query and stop a guest process, and the server a guest process runs
 * with its own {@link io.pagehint.reference.control.ControlHandler}. Exported so the guest bundle
 * serves, and hosts (the runtime's demo and benchmark) speak, the protocol with this one code.
 */
@Export
@Version("1.0.0")
package io.pagehint.reference.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
