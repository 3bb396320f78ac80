package dev.gradflow.kafka.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import org.apache.kafka.common.utils.Utils;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority and one broker certificate signed by it, made fresh for one broker start and written as
 * PKCS12 key and trust stores, each with its own random password, into a new directory that only this user can
 * read. {@link #close()} deletes the directory.
 *
 * <p>The CA's private key never leaves this JVM's memory: it signs the broker certificate and is dropped, so no
 * other certificate can ever be signed by this CA. That is what makes the broker's certificate, presented as a
 * client certificate, proof of being the broker (the controller listener requires it).
 *
 * <p>Keys are EC P-256 (signatures SHA256withECDSA): generated in milliseconds, and accepted by every TLS version
 * the JDK enables. The broker certificate names {@code 127.0.0.1} as an IP subject alternative name, so clients
 * keep Kafka's default hostname verification ({@code ssl.endpoint.identification.algorithm=https}), and is valid
 * for both server and client authentication.
 *
 * <p>Generated with Bouncy Castle's certificate builder rather than the JDK's {@code keytool}: the JDK has no public
 * API to issue a certificate, and six keytool processes (CA, broker key, request, signature, two imports) take
 * seconds of JVM start on a loaded machine where this takes milliseconds.
 *
 * @param directory where the stores are; deleted on close
 * @param keystore the broker's private key and certificate chain (broker, CA)
 * @param keystorePassword the keystore's password, also its key's
 * @param truststore the CA certificate alone: what every client needs
 * @param truststorePassword the truststore's password
 * @param brokerPrincipal the broker certificate's subject as Kafka names an SSL principal ({@code CN=...})
 */
public record TlsMaterial(Path directory, Path keystore, String keystorePassword, Path truststore,
        String truststorePassword, String brokerPrincipal) implements AutoCloseable {

    /** The store format, for {@code ssl.keystore.type} and {@code ssl.truststore.type}. */
    public static final String STORE_TYPE = "PKCS12";

    /** The subject of the broker certificate. */
    public static final String BROKER_SUBJECT = "CN=gradflow-broker";

    private static final String CA_SUBJECT = "CN=gradflow-ephemeral-ca";
    private static final String SIGNATURE = "SHA256withECDSA";
    /** Long enough for a local stack left running; the material is thrown away when the broker stops anyway. */
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Makes a CA and a broker certificate for {@code ipAddress} and writes both stores into a new temporary
     * directory.
     */
    public static TlsMaterial generate(String ipAddress) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("gradflow-kafka-tls-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            KeyPair ca = keyPair();
            KeyPair broker = keyPair();
            Instant now = Instant.now();
            X509Certificate caCertificate = caCertificate(ca, now);
            X509Certificate brokerCertificate = brokerCertificate(broker.getPublic(), ca.getPrivate(), caCertificate,
                    ipAddress, now);

            String keystorePassword = randomSecret();
            String truststorePassword = randomSecret();
            Path keystore = directory.resolve("broker.keystore.p12");
            Path truststore = directory.resolve("truststore.p12");

            KeyStore keys = KeyStore.getInstance(STORE_TYPE);
            keys.load(null, null);
            keys.setKeyEntry("broker", broker.getPrivate(), keystorePassword.toCharArray(),
                    new Certificate[] {brokerCertificate, caCertificate});
            write(keys, keystore, keystorePassword);

            KeyStore trust = KeyStore.getInstance(STORE_TYPE);
            trust.load(null, null);
            trust.setCertificateEntry("gradflow-ca", caCertificate);
            write(trust, truststore, truststorePassword);

            return new TlsMaterial(directory, keystore, keystorePassword, truststore, truststorePassword,
                    brokerCertificate.getSubjectX500Principal().getName());
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException("Could not write the Kafka broker's TLS stores", e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            deleteQuietly(directory);
            throw new IllegalStateException("Could not generate the Kafka broker's certificates", e);
        }
    }

    /** A random password of 32 URL-safe base64 characters (192 bits), safe inside a JAAS string and a shell word. */
    public static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The client properties that make a client trust this broker ({@code ssl.truststore.*}). */
    public Map<String, String> truststoreProperties() {
        return Map.of("ssl.truststore.location", truststore.toString(),
                "ssl.truststore.type", STORE_TYPE,
                "ssl.truststore.password", truststorePassword);
    }

    /** Deletes the directory and both stores. */
    @Override
    public void close() {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + directory, e);
        }
    }

    /** The passwords are never part of the text. */
    @Override
    public String toString() {
        return "TlsMaterial[" + directory + ", broker " + brokerPrincipal + "]";
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate caCertificate(KeyPair ca, Instant now)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name subject = new X500Name(CA_SUBJECT);
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, ca.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(ca.getPublic()));
        return sign(builder, ca.getPrivate());
    }

    private static X509Certificate brokerCertificate(java.security.PublicKey broker, PrivateKey caKey,
            X509Certificate caCertificate, String ipAddress, Instant now)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)),
                new X500Name(BROKER_SUBJECT), broker)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, ipAddress)))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(broker))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(caCertificate));
        return sign(builder, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static void write(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void deleteQuietly(Path directory) {
        if (directory != null) {
            try {
                Utils.delete(directory.toFile());
            } catch (IOException ignored) {
                // the original failure matters more
            }
        }
    }
}
