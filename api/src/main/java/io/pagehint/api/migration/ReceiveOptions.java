package io.pagehint.api.migration;

import java.nio.file.Path;
import java.util.Set;

/**
 * How a destination receives.
 *
 * @param tlsCredentials    a folder laid out as QEMU's x509 credentials ({@code ca-cert.pem},
 *                          {@code server-cert.pem}, {@code server-key.pem}): the destination
 *                          speaks only TLS 1.3 and accepts only sources whose certificate the CA
 *                          signed; null for plain TCP (or the engine's configured credentials)
 * @param authorizedSubjects the subject distinguished names (RFC 4514, e.g.
 *                          {@code CN=src1,O=example}) of the client certificates it accepts, compared
 *                          as X.500 names; empty accepts any certificate the CA signed
 * @param allowPlaintext    listen without TLS on an address that is not loopback. Off by default:
 *                          the stream carries the guest's whole memory, and without TLS anyone who
 *                          reaches the port can read it or send a guest of their own
 */
public record ReceiveOptions(Path tlsCredentials, Set<String> authorizedSubjects, boolean allowPlaintext) {

    public ReceiveOptions {
        authorizedSubjects = authorizedSubjects == null ? Set.of() : Set.copyOf(authorizedSubjects);
    }

    /** Plain TCP unless the engine is configured with credentials, any subject, loopback only without TLS. */
    public static ReceiveOptions defaults() {
        return new ReceiveOptions(null, Set.of(), false);
    }
}
