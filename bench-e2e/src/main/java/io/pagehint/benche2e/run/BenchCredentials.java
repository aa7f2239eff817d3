package io.pagehint.benche2e.run;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS credentials the bench's TLS cells use, made fresh in its work folder for one invocation
 * (a CA that lives for a day, EC P-256 keys, PKCS#8): {@code dst/} for the destination processes,
 * {@code src/} for this process as the source. They are deleted with the work folder.
 */
final class BenchCredentials {

    /** The two folders. */
    record Folders(Path source, Path destination) {
    }

    private BenchCredentials() {
    }

    static Folders create(Path work) throws IOException {
        try {
            Path dir = Files.createDirectories(work.resolve("tls"));
            KeyPair caKeys = keys();
            X500Principal caName = new X500Principal("CN=pagehint bench CA");
            X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from(), to(), caName,
                    caKeys.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), caKeys.getPrivate());
            Path src = Files.createDirectories(dir.resolve("src"));
            Path dst = Files.createDirectories(dir.resolve("dst"));
            leaf(dst, "server", "CN=bench destination", ca, caKeys.getPrivate(), 2);
            leaf(src, "client", "CN=bench source", ca, caKeys.getPrivate(), 3);
            pem(src.resolve("ca-cert.pem"), ca);
            pem(dst.resolve("ca-cert.pem"), ca);
            return new Folders(src, dst);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the bench's TLS credentials: " + e.getMessage(), e);
        }
    }

    private static void leaf(Path dir, String prefix, String subject, X509Certificate ca, PrivateKey caKey, long serial)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair k = keys();
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(ca.getSubjectX500Principal(), BigInteger.valueOf(serial),
                from(), to(), new X500Principal(subject), k.getPublic()), caKey);
        pem(dir.resolve(prefix + "-cert.pem"), cert);
        try (Writer w = Files.newBufferedWriter(dir.resolve(prefix + "-key.pem")); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(new JcaPKCS8Generator(k.getPrivate(), null));
        }
    }

    private static Date from() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date to() {
        return Date.from(Instant.now().plus(Duration.ofDays(1)));
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey by)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(by)));
    }

    private static void pem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
    }
}
