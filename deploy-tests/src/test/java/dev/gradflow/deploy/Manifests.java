package dev.gradflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The resources of one rendered overlay (or of a fixture), with the look-ups the checks share.
 *
 * @param source what was rendered, for messages (e.g. {@code deploy/overlays/dev})
 * @param resources every resource, in the order rendered
 */
record Manifests(String source, List<JsonNode> resources) {

    Manifests {
        resources = List.copyOf(resources);
    }

    /** Every resource of a kind, e.g. {@code Deployment}. */
    List<JsonNode> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).collect(Collectors.toList());
    }

    /** The resource of a kind with a name, in any namespace. */
    Optional<JsonNode> named(String kind, String name) {
        return ofKind(kind).stream().filter(r -> name.equals(name(r))).findFirst();
    }

    static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }

    static String namespace(JsonNode resource) {
        return resource.path("metadata").path("namespace").asText("");
    }

    /** "Kind/name", for messages. */
    static String describe(JsonNode resource) {
        return resource.path("kind").asText() + "/" + name(resource);
    }

    /** A string map such as metadata.labels or a selector's matchLabels; empty when absent. */
    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** The pod template labels of a Deployment (or StatefulSet). */
    static Map<String, String> podLabels(JsonNode workload) {
        return stringMap(workload.path("spec").path("template").path("metadata").path("labels"));
    }

    /** The containers of a workload's pod template. */
    static List<JsonNode> containers(JsonNode workload) {
        return list(workload.path("spec").path("template").path("spec").path("containers"));
    }

    /** An array node as a list; empty when absent. */
    static List<JsonNode> list(JsonNode array) {
        return array.isArray() ? StreamSupport.stream(array.spliterator(), false)
                .collect(Collectors.toList()) : List.of();
    }
}
