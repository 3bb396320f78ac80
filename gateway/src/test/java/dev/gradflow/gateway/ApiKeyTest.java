package dev.gradflow.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import dev.gradflow.core.wire.TenantHeader;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The configuration before tenants, {@code gradflow.gateway.api-keys}: every gateway resource needs one of the keys;
 * health and metrics stay open. The keys are one tenant, {@code default}, which also owns the records that name no
 * tenant, so it sees everything it saw before tenants.
 */
@QuarkusTest
@TestProfile(ApiKeyTest.WithApiKeys.class)
@WithTestResource(KafkaBrokerTestResource.class)
class ApiKeyTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** Two keys, as a rotation would have. */
    public static class WithApiKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gradflow.gateway.api-keys", "old-key-1,new-key-2");
        }
    }

    @Test
    void aRequestWithoutAKeyIs401() {
        given().when().get("/batches/anything").then().statusCode(401)
                .body("message", is("missing API key (header X-API-Key)"));
    }

    @Test
    void aWrongKeyIs401AndIsNotEchoed() {
        given().header("X-API-Key", "guessed").when().get("/batches/anything").then().statusCode(401)
                .body("message", is("invalid API key (header X-API-Key)"));
    }

    @Test
    void eitherConfiguredKeyIsAccepted() {
        given().header("X-API-Key", "old-key-1").when().get("/batches/anything").then().statusCode(404);
        given().header("X-API-Key", "new-key-2").contentType(ContentType.JSON)
                .body("{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\": [], \"output\": \"x\"}")
                .when().post("/networks").then().statusCode(201);
    }

    @Test
    void theKeysAreOneTenantThatAlsoSeesRecordsWithoutATenant() {
        String ownId = given().header("X-API-Key", "old-key-1").contentType(ContentType.JSON)
                .body("{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\": [], \"output\": \"x\"}")
                .when().post("/networks").then().statusCode(201).extract().path("networkId");
        String elsewhere = "net-" + UUID.randomUUID();
        try (TopicProbe kafka = new TopicProbe(bootstrapServers, Duration.ofSeconds(30))) {
            assertThat(kafka.awaitRecord("network-definitions", r -> ownId.equals(r.key())).headers()
                    .lastHeader(TenantHeader.NAME).value()).asString().isEqualTo("default");
            kafka.produce("network-definitions", elsewhere,
                    "{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\": [], \"output\": \"x\"}"
                            .getBytes(StandardCharsets.UTF_8));
        }

        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("X-API-Key", "new-key-2")
                .when().get("/networks/" + elsewhere).then().statusCode(200));
        given().header("X-API-Key", "new-key-2").when().get("/networks/" + ownId).then().statusCode(200);
    }

    @Test
    void healthAndMetricsNeedNoKey() {
        given().when().get("/q/health").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
