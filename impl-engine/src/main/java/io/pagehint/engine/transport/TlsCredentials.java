package io.pagehint.engine.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A TLS credentials folder laid out as QEMU's x509 credentials: {@code ca-cert.pem} (the CA, or
 * CAs, that signed the peer), and this end's {@code server-cert.pem} + {@code server-key.pem}
 * (destination) or {@code client-cert.pem} + {@code client-key.pem} (source). Certificates are
 * read by the JDK; private keys (PKCS#8 {@code PRIVATE KEY}, or the older {@code RSA}/{@code EC
 * PRIVATE KEY}) by BouncyCastle's PEM parser. Keys must not be encrypted: like QEMU's, the
 * folder is protected by its file permissions. The TLS is the JDK's, TLS 1.3 only, and both ends
 * present certificates. The server's certificate is checked against the CA, not against a host
 * name: the CA (and, at the destination, the authorization list) is the trust.
 */
public final class TlsCredentials {

    public static final String CA = "ca-cert.pem";
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    /** Which end these credentials are for. */
    public enum Role {
        SERVER("server"), CLIENT("client");

        final String prefix;

        Role(String prefix) {
            this.prefix = prefix;
        }
    }

    private final Path folder;
    private final Role role;
    private final SSLContext context;
    private final javax.net.ssl.KeyManager[] keyManagers;
    private final X509ExtendedTrustManager caTrust;

    private TlsCredentials(Path folder, Role role, SSLContext context, javax.net.ssl.KeyManager[] keyManagers,
                           X509ExtendedTrustManager caTrust) {
        this.folder = folder;
        this.role = role;
        this.context = context;
        this.keyManagers = keyManagers;
        this.caTrust = caTrust;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Reads the folder for {@code role}. {@code authorizedSubjects}, for a server, are the client
     * certificate subjects it accepts (empty: any the CA signed).
     *
     * @throws IOException one line naming the file and what is wrong with it
     */
    public static TlsCredentials load(Path folder, Role role, Set<String> authorizedSubjects) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("TLS credentials folder " + folder + " does not exist");
        }
        List<X509Certificate> cas = certificates(folder.resolve(CA));
        Path certFile = folder.resolve(role.prefix + "-cert.pem");
        Path keyFile = folder.resolve(role.prefix + "-key.pem");
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        checkPair(key, chain.get(0), keyFile, certFile);
        try {
            char[] none = new char[0];
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("own", key, none, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(own, none);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trusted.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trusted);
            X509ExtendedTrustManager ca = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    ca = x;
                }
            }
            if (ca == null) {
                throw new IOException("the JDK offers no X.509 trust manager");
            }
            X509ExtendedTrustManager trust = ca;
            if (role == Role.SERVER) {
                Set<X500Principal> subjects;
                try {
                    subjects = Authorization.parse(authorizedSubjects);
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
                trust = new Authorization(ca, subjects);
            }
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), new TrustManager[] {trust}, null);
            return new TlsCredentials(folder, role, ctx, kmf.getKeyManagers(), ca);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS credentials in " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * One TLS 1.3 handshake with these credentials at both ends, and 4 MiB of records, between two
     * engines in memory: a destination does it before it listens, as it warms its stream path
     * (destination/WarmUp), since a fresh JVM's first handshake and first records run cold and
     * took 0.3-2 s of a migration's setup on the shared machine (docs/PERFORMANCE.md). Failure is
     * ignored: it only means no warm-up.
     *
     * @return whether the handshake finished and records went through
     */
    public boolean warmUp() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(keyManagers, new TrustManager[] {caTrust}, null);
            javax.net.ssl.SSLEngine client = ctx.createSSLEngine("warm-up", 1);
            client.setUseClientMode(true);
            client.setSSLParameters(parameters(false));
            javax.net.ssl.SSLEngine server = ctx.createSSLEngine();
            server.setUseClientMode(false);
            server.setSSLParameters(parameters(true));
            int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
            java.nio.ByteBuffer toServer = java.nio.ByteBuffer.allocate(4 * packet);
            java.nio.ByteBuffer toClient = java.nio.ByteBuffer.allocate(4 * packet);
            java.nio.ByteBuffer clientIn = java.nio.ByteBuffer.allocate(4 * packet);
            java.nio.ByteBuffer serverIn = java.nio.ByteBuffer.allocate(4 * packet);
            java.nio.ByteBuffer none = java.nio.ByteBuffer.allocate(0);
            client.beginHandshake();
            server.beginHandshake();
            for (int i = 0; i < 200 && !(idle(client) && idle(server)); i++) {
                client.wrap(none, toServer);
                server.wrap(none, toClient);
                toServer.flip();
                toClient.flip();
                client.unwrap(toClient, clientIn.clear());
                server.unwrap(toServer, serverIn.clear());
                toServer.compact();
                toClient.compact();
                runTasks(client);
                runTasks(server);
            }
            java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(16 * 1024);
            long received = 0;
            for (int i = 0; i < 256 && idle(client) && idle(server); i++) {
                client.wrap(data.clear(), toServer.clear());
                toServer.flip();
                server.unwrap(toServer, serverIn.clear());
                received += serverIn.position();
            }
            // the handshake finished (the loop above ran only then) and records were decrypted
            return received > 0;
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            return false; // no warm-up, no harm
        }
    }

    private static boolean idle(javax.net.ssl.SSLEngine e) {
        javax.net.ssl.SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
        return h == javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                || h == javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void runTasks(javax.net.ssl.SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Layers a client TLS socket over a connected socket; the handshake is the caller's. */
    SSLSocket client(Socket connected, InetSocketAddress to) throws IOException {
        // the TCP socket outlives a failed handshake, to be closed gently (see Acceptor)
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(connected, to.getHostString(), to.getPort(), false);
        s.setUseClientMode(true);
        s.setSSLParameters(parameters(false));
        return s;
    }

    /** Layers a server TLS socket over an accepted socket, from which {@code consumed} was already read. */
    SSLSocket server(Socket accepted, InputStream consumed) throws IOException {
        // not closing the TCP socket with the TLS one: after a failed handshake the acceptor closes
        // it gently, so the source reads the alert (see Acceptor)
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(accepted, consumed, false);
        s.setUseClientMode(false);
        s.setSSLParameters(parameters(true));
        return s;
    }

    private SSLParameters parameters(boolean server) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (server) {
            p.setNeedClientAuth(true);
        }
        return p;
    }

    private static List<X509Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new IOException("TLS credentials: " + file + " is missing", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS credentials: " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        Object pem;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            pem = parser.readObject();
        } catch (NoSuchFileException e) {
            throw new IOException("TLS credentials: " + file + " is missing", e);
        } catch (IOException | RuntimeException e) {
            throw new IOException("TLS credentials: " + file + " is not a PEM private key: " + e.getMessage(), e);
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (pem instanceof PEMKeyPair kp) {
            return converter.getPrivateKey(kp.getPrivateKeyInfo());
        }
        if (pem instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
        }
        if (pem instanceof PEMEncryptedKeyPair || pem instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IOException("TLS credentials: " + file + " is encrypted; pagehint reads unencrypted keys"
                    + " (protect the folder with file permissions)");
        }
        throw new IOException("TLS credentials: " + file + " holds no private key"
                + (pem == null ? "" : " (it holds a " + pem.getClass().getSimpleName() + ")"));
    }

    /** The key must be the certificate's: a mismatch would only show as a handshake failure at the peer. */
    private static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "pagehint".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            if (!v.verify(sig)) {
                throw new IOException("TLS credentials: " + keyFile + " is not the key of " + certFile);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS credentials: " + keyFile + " is not the key of " + certFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TLS credentials " + folder + " (" + role.prefix + ")";
    }
}
