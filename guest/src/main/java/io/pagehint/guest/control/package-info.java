/**
 * The reference guest's control socket (docs/GUEST.md section 6, normative): the client a host
 * uses to pause, resume, throttle, query and stop a guest process, and the guest's server.
 * Exported so hosts (the runtime's demo and benchmark) speak the protocol with this one client.
 */
@Export
@Version("1.0.0")
package io.pagehint.guest.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
