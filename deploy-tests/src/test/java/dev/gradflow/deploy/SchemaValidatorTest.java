package dev.gradflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validator itself: it accepts a correct deployment, and rejects each broken resource under
 * src/test/resources/broken with exactly the problem its {@code # expect:} line names. Without this, a validator that
 * silently stopped rejecting unknown fields would let every overlay pass.
 */
class SchemaValidatorTest {

    private static final Pattern EXPECT = Pattern.compile("(?m)^# expect: (.+)$");
    private static final Map<String, SchemaValidator.Verdict> BROKEN_VERDICTS = new HashMap<>();

    @BeforeAll
    static void validateEveryBrokenResourceAtOnce() {
        // One validator process for all files: each start of node costs about a second.
        List<Path> files = brokenFiles().toList();
        List<JsonNode> resources = new ArrayList<>();
        for (Path file : files) {
            List<JsonNode> documents = Yaml.documents(file);
            assertThat(documents).as(file + " must hold exactly one resource").hasSize(1);
            resources.add(documents.get(0));
        }
        List<SchemaValidator.Verdict> verdicts = SchemaValidator.validate(resources);
        for (int i = 0; i < files.size(); i++) {
            BROKEN_VERDICTS.put(files.get(i).getFileName().toString(), verdicts.get(i));
        }
    }

    static Stream<Path> brokenFiles() {
        try (Stream<Path> files = Files.list(Repository.testResource("broken"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void acceptsTheFixtureDeployment() {
        List<SchemaValidator.Verdict> verdicts = SchemaValidator.validate(Fixtures.correct().resources());

        assertThat(verdicts).hasSize(Fixtures.correct().resources().size());
        assertThat(verdicts).allSatisfy(verdict -> assertThat(verdict.problems()).as(verdict.toString()).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void rejectsTheBrokenResourceWithExactlyItsMistake(Path file) {
        Matcher expect = EXPECT.matcher(Yaml.read(file));
        assertThat(expect.find()).as(file + " has a '# expect: <problem>' line").isTrue();

        SchemaValidator.Verdict verdict = BROKEN_VERDICTS.get(file.getFileName().toString());

        assertThat(verdict.problems()).containsExactly(expect.group(1));
    }

    @Test
    void brokenResourcesCoverEveryKindOfSchema() {
        // An unknown field must be caught by each source of schemas: kubernetes-models for the built-in kinds, KEDA
        // and the Prometheus Operator, and the generated Strimzi CRDs.
        Map<String, List<String>> unknownFieldKinds = BROKEN_VERDICTS.values().stream()
                .filter(v -> v.problems().stream().anyMatch(p -> p.contains("unknown field")))
                .collect(Collectors.groupingBy(SchemaValidator.Verdict::apiVersion,
                        Collectors.mapping(SchemaValidator.Verdict::kind, Collectors.toList())));

        assertThat(unknownFieldKinds.keySet()).contains("apps/v1", "v1", "policy/v1", "kafka.strimzi.io/v1",
                "keda.sh/v1alpha1", "monitoring.coreos.com/v1");
        assertThat(unknownFieldKinds.get("kafka.strimzi.io/v1")).contains("Kafka", "KafkaNodePool", "KafkaTopic",
                "KafkaUser");
        assertThat(unknownFieldKinds.get("keda.sh/v1alpha1")).contains("ScaledObject", "TriggerAuthentication");
        assertThat(unknownFieldKinds.get("monitoring.coreos.com/v1")).contains("ServiceMonitor", "PrometheusRule");
    }
}
