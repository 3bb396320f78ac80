package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Drives the resource the way Quarkus does (init, start, stop), without starting an application. */
class KafkaBrokerTestResourceTest {

    @Test
    void startsABrokerWithInitArgsAsBrokerPropertiesAndStopsIt() throws Exception {
        KafkaBrokerTestResource resource = new KafkaBrokerTestResource();
        resource.init(Map.of("num.partitions", "3"));
        Map<String, String> config = resource.start();
        String bootstrapServers = config.get("kafka.bootstrap.servers");
        try {
            assertThat(config).containsEntry("quarkus.kafka.devservices.enabled", "false");
            assertThat(bootstrapServers).startsWith("127.0.0.1:");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
                Config brokerConfig = admin.describeConfigs(List.of(brokerResource))
                        .all().get(30, TimeUnit.SECONDS).get(brokerResource);
                assertThat(brokerConfig.get("num.partitions").value()).isEqualTo("3");
                assertThat(brokerConfig.get("message.max.bytes").value())
                        .isEqualTo(String.valueOf(EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES));
            }
        } finally {
            resource.stop();
        }
        resource.stop(); // Quarkus may call stop after a failed start; must not throw
    }

    @Test
    void sharedBrokerIsStartedOnceAndReused() {
        EmbeddedKafkaBroker shared = KafkaBrokerTestResource.sharedBroker();
        assertThat(shared.isRunning()).isTrue();
        assertThat(KafkaBrokerTestResource.sharedBroker()).isSameAs(shared);
    }
}
