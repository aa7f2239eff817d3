package io.pagehint.engine.transport;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/**
 * A TLS failure as one line that says what the operator should look at. The JDK's messages name
 * the mechanism ("PKIX path building failed", "Received fatal alert: certificate_unknown"); these
 * name the cause: which end's certificate, and what is wrong with it.
 */
final class TlsFailure {

    private TlsFailure() {
    }

    /** The same failure with a message that names its cause; the original is its cause. */
    static SSLException of(SSLException e, String peer, boolean weAreClient) {
        if (e.getCause() instanceof Described) {
            return e;
        }
        SSLException d = new SSLException(describe(e, peer, weAreClient), new Described(e));
        return d;
    }

    /** Marks a failure already described, and carries the original. */
    private static final class Described extends Exception {
        private static final long serialVersionUID = 1L;

        Described(Throwable original) {
            super(original.toString(), original);
        }
    }

    static String describe(Throwable e, String peer, boolean weAreClient) {
        String other = weAreClient ? "the destination" : "the source";
        String with = " (TLS with " + peer + ")";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Authorization.NotAuthorized n) {
                return n.getMessage() + with;
            }
            if (t instanceof CertificateExpiredException) {
                return other + "'s certificate has expired: " + t.getMessage() + with;
            }
            if (t instanceof CertificateNotYetValidException) {
                return other + "'s certificate is not yet valid: " + t.getMessage() + with;
            }
            if (t instanceof CertPathValidatorException v) {
                if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                    return other + "'s certificate has expired" + with;
                }
                if (v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return other + "'s certificate is not yet valid" + with;
                }
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                    || m.contains("unable to find valid certification path")) {
                return other + "'s certificate is not signed by the CA in our ca-cert.pem" + with;
            }
            if (m.startsWith("Received fatal alert: ")) {
                String alert = m.substring("Received fatal alert: ".length());
                if (alert.equals("protocol_version")) {
                    return other + " refused TLS 1.3 (alert protocol_version)" + with;
                }
                return other + " refused our certificate (alert " + alert + "): wrong CA, expired or not yet"
                        + " valid, or a subject it does not authorize; " + other + "'s log says which" + with;
            }
            if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection?")) {
                return other + " does not speak TLS: start both ends with --tls-creds, or neither" + with;
            }
            if (m.contains("Remote host terminated") || m.contains("Connection reset") || m.contains("certificate_required")
                    || m.contains("Empty client certificate chain")) {
                return weAreClient
                        ? other + " closed the connection in the TLS handshake: it has no TLS credentials"
                                + " (plaintext), or it refused us; its log says which" + with
                        : other + " sent no certificate or left the TLS handshake" + with;
            }
        }
        return "TLS failed with " + other + ": " + e.getMessage() + with;
    }
}
