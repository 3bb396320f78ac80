package dev.gradflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both overlays render, and every resource they render is valid against its schema, unknown fields included. */
class OverlaySchemaTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void rendersResourcesOfEveryKindTheDeploymentNeeds(Overlay overlay) {
        List<String> kinds = overlay.manifests().resources().stream().map(r -> r.path("kind").asText()).toList();

        assertThat(kinds).contains("Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule",
                "ConfigMap", "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser");
        if (overlay == Overlay.PRODUCTION) {
            // dev runs one instance of each service and deletes the ScaledObjects and KEDA's credentials.
            assertThat(kinds).contains("ScaledObject", "TriggerAuthentication");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void everyResourceValidatesStrictly(Overlay overlay) {
        List<SchemaValidator.Verdict> verdicts = SchemaValidator.validate(overlay.manifests().resources());

        List<String> invalid = verdicts.stream().filter(v -> !v.problems().isEmpty()).map(Object::toString)
                .collect(Collectors.toList());
        assertThat(invalid).as(overlay + ": resources that the API server would reject").isEmpty();
    }
}
