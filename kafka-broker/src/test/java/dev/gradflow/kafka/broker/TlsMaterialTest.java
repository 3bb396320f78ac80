package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class TlsMaterialTest {

    @Test
    void signsABrokerCertificateFor127001WithAFreshCaAndWritesPrivateStores() throws Exception {
        long started = System.nanoTime();
        TlsMaterial tls = TlsMaterial.generate("127.0.0.1");
        System.out.printf("CA, broker certificate and both stores in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        Path directory = tls.directory();
        try (tls) {
            KeyStore keys = load(tls.keystore(), tls.keystorePassword());
            KeyStore trust = load(tls.truststore(), tls.truststorePassword());

            assertThat(Collections.list(trust.aliases())).containsExactly("gradflow-ca");
            X509Certificate ca = (X509Certificate) trust.getCertificate("gradflow-ca");
            assertThat(ca.getBasicConstraints()).as("a CA, issuing end-entity certificates only").isZero();
            ca.verify(ca.getPublicKey());

            assertThat(Collections.list(keys.aliases())).containsExactly("broker");
            assertThat(keys.getKey("broker", tls.keystorePassword().toCharArray())).isNotNull();
            Certificate[] chain = keys.getCertificateChain("broker");
            assertThat(chain).hasSize(2);
            X509Certificate broker = (X509Certificate) chain[0];
            broker.verify(ca.getPublicKey());
            broker.checkValidity();
            assertThat(chain[1]).isEqualTo(ca);
            assertThat(broker.getBasicConstraints()).as("not a CA").isEqualTo(-1);
            assertThat(broker.getSubjectX500Principal().getName()).isEqualTo("CN=gradflow-broker")
                    .isEqualTo(tls.brokerPrincipal());
            assertThat(broker.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
            assertThat(broker.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");

            assertThat(tls.keystorePassword()).hasSize(32).isNotEqualTo(tls.truststorePassword());
            assertThat(tls.toString()).doesNotContain(tls.keystorePassword()).doesNotContain(tls.truststorePassword());
            assertThat(Files.getPosixFilePermissions(directory)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            for (Path store : List.of(tls.keystore(), tls.truststore())) {
                assertThat(store.getParent()).isEqualTo(directory);
                assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
            assertThatThrownBy(() -> load(tls.keystore(), tls.truststorePassword()))
                    .as("each store has its own password").isInstanceOf(java.io.IOException.class);
        }
        assertThat(directory).as("deleted on close").doesNotExist();
    }

    @Test
    void everyStartHasItsOwnCaAndPasswords() throws Exception {
        try (TlsMaterial first = TlsMaterial.generate("127.0.0.1"); TlsMaterial second = TlsMaterial.generate("127.0.0.1")) {
            X509Certificate firstCa = (X509Certificate) load(first.truststore(), first.truststorePassword())
                    .getCertificate("gradflow-ca");
            X509Certificate secondCa = (X509Certificate) load(second.truststore(), second.truststorePassword())
                    .getCertificate("gradflow-ca");
            assertThat(firstCa.getPublicKey()).isNotEqualTo(secondCa.getPublicKey());
            assertThat(first.keystorePassword()).isNotEqualTo(second.keystorePassword());
            assertThat(first.directory()).isNotEqualTo(second.directory());
        }
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
