package io.pagehint.engine.transport;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The destination's trust: the CA's checks, then the authorization list: a client certificate whose
 * subject is not one of the listed names (when there is a list) is refused in the handshake. It
 * names no accepted issuers in its certificate request, so a source always presents its
 * certificate and a wrong CA is reported as that, not as a missing certificate. Names compare as X.500
 * names (RFC 4514 text, canonical form), so {@code CN=a,O=b} and {@code cn=a, o=b} are one name.
 */
final class Authorization extends X509ExtendedTrustManager {

    /** A certificate the CA signed whose subject is not on the list. */
    static final class NotAuthorized extends CertificateException {
        private static final long serialVersionUID = 1L;

        NotAuthorized(String message) {
            super(message);
        }
    }

    private final X509ExtendedTrustManager ca;
    private final Set<X500Principal> subjects;

    Authorization(X509ExtendedTrustManager ca, Set<X500Principal> subjects) {
        this.ca = ca;
        this.subjects = Set.copyOf(subjects);
    }

    /** Parses distinguished names; a malformed one is an IllegalArgumentException naming it. */
    static Set<X500Principal> parse(Set<String> names) {
        return names.stream().map(n -> {
            try {
                return new X500Principal(n.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a distinguished name (RFC 4514): " + n);
            }
        }).collect(Collectors.toUnmodifiableSet());
    }

    private void authorize(X509Certificate[] chain) throws CertificateException {
        if (subjects.isEmpty()) {
            return;
        }
        X500Principal subject = chain[0].getSubjectX500Principal();
        if (!subjects.contains(subject)) {
            throw new NotAuthorized("the source's certificate subject '" + subject.getName()
                    + "' is not in this destination's authorization list (--tls-authz)");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        ca.checkClientTrusted(chain, authType, socket);
        authorize(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        ca.checkClientTrusted(chain, authType, engine);
        authorize(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        ca.checkClientTrusted(chain, authType);
        authorize(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        ca.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        ca.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        ca.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
