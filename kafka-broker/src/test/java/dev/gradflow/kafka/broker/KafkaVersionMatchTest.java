package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.server.ApiVersionManager;
import org.junit.jupiter.api.Test;

/**
 * The broker jars ({@code kafka_2.13}, {@code kafka-server}, ...) come at the parent's
 * {@code kafka.version}, while {@code kafka-clients} comes at whatever the Quarkus BOM manages. When
 * the two drift apart, the broker fails at runtime with {@code NoSuchMethodError} deep inside Kafka;
 * this test turns that into a readable failure at build time.
 *
 * <p>Versions are read per jar because {@link AppInfoParser} reads {@code kafka/kafka-version.properties}
 * from whichever Kafka jar comes first on the classpath, not necessarily kafka-clients.
 */
class KafkaVersionMatchTest {

    private static final String VERSION_RESOURCE = "kafka/kafka-version.properties";

    @Test
    void clientAndBrokerJarsHaveTheSameVersion() throws Exception {
        String clientVersion = AppInfoParser.getVersion();

        Map<String, String> versions = new TreeMap<>();
        versions.put("AppInfoParser.getVersion()", clientVersion);
        versions.put(jarName(AppInfoParser.class) + " (client)", versionOfJarContaining(AppInfoParser.class));
        versions.put(jarName(KafkaRaftServer.class) + " (broker)", versionOfJarContaining(KafkaRaftServer.class));
        versions.put(jarName(ApiVersionManager.class) + " (broker)", versionOfJarContaining(ApiVersionManager.class));
        for (URL resource : Collections.list(getClass().getClassLoader().getResources(VERSION_RESOURCE))) {
            try (InputStream in = resource.openStream()) {
                versions.put(resource.toString().replaceFirst("!/.*", "").replaceFirst(".*/", ""), versionProperty(in));
            }
        }

        assertThat(versions.values())
                .as("Kafka client and broker versions must be equal, otherwise the in-process broker fails with "
                        + "NoSuchMethodError. Set kafka.version in the parent pom to the kafka-clients version "
                        + "managed by the Quarkus BOM. Versions found: %s", versions)
                .containsOnly(clientVersion);
        assertThat(clientVersion).isNotEqualTo("unknown");
    }

    /** Reads the version the Kafka build stamps into each jar: a properties file, or for kafka_2.13 the manifest. */
    private static String versionOfJarContaining(Class<?> type) throws IOException, URISyntaxException {
        Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            ZipEntry entry = jarFile.getEntry(VERSION_RESOURCE);
            if (entry != null) {
                try (InputStream in = jarFile.getInputStream(entry)) {
                    return versionProperty(in);
                }
            }
            String manifestVersion = jarFile.getManifest() == null ? null
                    : jarFile.getManifest().getMainAttributes().getValue("Version");
            assertThat(manifestVersion).as("version of %s", jar).isNotBlank();
            return manifestVersion;
        }
    }

    private static String versionProperty(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version");
    }

    private static String jarName(Class<?> type) {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath()).getFileName().toString();
    }
}
