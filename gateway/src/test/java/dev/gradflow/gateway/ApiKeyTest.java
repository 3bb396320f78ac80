package dev.gradflow.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With API keys configured, every gateway resource needs one; health and metrics stay open. */
@QuarkusTest
@TestProfile(ApiKeyTest.WithApiKeys.class)
@WithTestResource(KafkaBrokerTestResource.class)
class ApiKeyTest {

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
    void healthAndMetricsNeedNoKey() {
        given().when().get("/q/health").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
