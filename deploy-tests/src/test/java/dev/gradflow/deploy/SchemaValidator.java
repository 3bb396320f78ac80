package dev.gradflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates resources against their schemas with src/test/js/validate-manifests.mjs: the built-in kinds, KEDA and
 * the Prometheus Operator through the kubernetes-models npm packages, Strimzi's kinds through the CRDs of
 * {@link StrimziCrds}. Unknown fields are errors, as with the API server's strict field validation; a kind with no
 * known schema is an error too.
 */
final class SchemaValidator {

    /** The validator's judgement of one resource. */
    record Verdict(String apiVersion, String kind, String name, List<String> problems) {

        @Override
        public String toString() {
            return kind + "/" + name + " (" + apiVersion + "): " + String.join("; ", problems);
        }
    }

    private SchemaValidator() {
    }

    /** One verdict per resource, in order. */
    static List<Verdict> validate(List<JsonNode> resources) {
        Path script = Repository.module().resolve("src/test/js/validate-manifests.mjs");
        if (!Files.isDirectory(Repository.module().resolve("node_modules/kubernetes-models"))) {
            throw new AssertionError("deploy-tests/node_modules is not installed: the Maven build runs `npm ci "
                    + "--ignore-scripts` in generate-test-resources (./mvnw -B verify -pl deploy-tests -am)");
        }
        Path node = Processes.requireExecutable("node", "NODE",
                "The schema checks run on Node.js 20 or newer: apt-get install nodejs npm, or set NODE to its path.");
        Path request = writeRequest(resources);
        Processes.Result result = Processes.run(List.of(node.toString(), script.toString(), request.toString()),
                Repository.module(), Duration.ofMinutes(2)).requireSuccess();
        JsonNode verdicts = Yaml.json(result.stdout());
        if (verdicts.size() != resources.size()) {
            throw new AssertionError("the validator judged " + verdicts.size() + " of " + resources.size()
                    + " resources:\n" + result.stdout());
        }
        List<Verdict> list = new ArrayList<>();
        for (JsonNode verdict : verdicts) {
            List<String> problems = new ArrayList<>();
            verdict.path("problems").forEach(problem -> problems.add(problem.asText()));
            list.add(new Verdict(verdict.path("apiVersion").asText(), verdict.path("kind").asText(),
                    verdict.path("name").asText(), problems));
        }
        return list;
    }

    private static Path writeRequest(List<JsonNode> resources) {
        ObjectNode request = Yaml.JSON.createObjectNode();
        request.putArray("crds").addAll(StrimziCrds.crds());
        request.putArray("resources").addAll(resources);
        try {
            Path directory = Files.createDirectories(Repository.buildDirectory().resolve("schema-validation"));
            Path file = Files.createTempFile(directory, "request-", ".json");
            Yaml.JSON.writeValue(file.toFile(), request);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
