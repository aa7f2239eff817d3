package io.pagehint.engine.transport;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes TLS credentials folders for tests (no private key is committed): a CA, and server and
 * client certificates it signs, with validity windows a test chooses (expired, not yet valid).
 * EC P-256 keys by default, RSA on request; keys are written as PKCS#8 ({@code PRIVATE KEY}),
 * except a client's RSA key, written in the older {@code RSA PRIVATE KEY} form, so both forms the
 * loader reads are exercised.
 */
public final class TestCredentials {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate authority: its key and certificate. */
    public record Ca(KeyPair keys, X509Certificate cert) {
        public static Ca create(String name) throws Exception {
            KeyPair k = keyPair();
            X500Principal dn = new X500Principal("CN=" + name + ",O=pagehint test");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(dn, serial(), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), dn, k.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Ca(k, sign(b, k.getPrivate()));
        }

        /** A leaf certificate for {@code subject}, valid from {@code notBefore} to {@code notAfter}. */
        public Leaf issue(String subject, Instant notBefore, Instant notAfter) throws Exception {
            return issue(subject, notBefore, notAfter, keyPair());
        }

        /** A leaf certificate with an RSA key, valid now. */
        public Leaf issueRsa(String subject) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            Instant now = Instant.now();
            return issue(subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), g.generateKeyPair());
        }

        private Leaf issue(String subject, Instant notBefore, Instant notAfter, KeyPair k) throws Exception {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert.getSubjectX500Principal(), serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal(subject), k.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return new Leaf(k, sign(b, keys.getPrivate()));
        }

        public Leaf issue(String subject) throws Exception {
            Instant now = Instant.now();
            return issue(subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        }
    }

    /** A certificate and its key. */
    public record Leaf(KeyPair keys, X509Certificate cert) {
    }

    private TestCredentials() {
    }

    /** Writes a folder as QEMU lays it out: {@code ca-cert.pem}, and the server's and/or the client's pair. */
    public static Path folder(Path dir, Ca trusted, Leaf server, Leaf client) throws IOException {
        Files.createDirectories(dir);
        pem(dir.resolve("ca-cert.pem"), trusted.cert());
        if (server != null) {
            pem(dir.resolve("server-cert.pem"), server.cert());
            try (Writer w = Files.newBufferedWriter(dir.resolve("server-key.pem")); JcaPEMWriter p = new JcaPEMWriter(w)) {
                p.writeObject(new JcaPKCS8Generator(server.keys().getPrivate(), null));
            }
        }
        if (client != null) {
            pem(dir.resolve("client-cert.pem"), client.cert());
            if (client.keys().getPrivate().getAlgorithm().equals("RSA")) {
                pem(dir.resolve("client-key.pem"), client.keys().getPrivate());
            } else {
                try (Writer w = Files.newBufferedWriter(dir.resolve("client-key.pem")); JcaPEMWriter p = new JcaPEMWriter(w)) {
                    p.writeObject(new JcaPKCS8Generator(client.keys().getPrivate(), null));
                }
            }
        }
        return dir;
    }

    private static void pem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey by) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(by)));
    }
}
