package dev.gradflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Kubernetes label selection, as the API server evaluates it. */
final class Selectors {

    private Selectors() {
    }

    /**
     * Whether a LabelSelector ({@code matchLabels} and {@code matchExpressions}, as in a PDB or a ServiceMonitor)
     * selects these labels. An empty selector selects everything; an absent one nothing.
     */
    static boolean labelSelectorMatches(JsonNode selector, Map<String, String> labels) {
        if (selector.isMissingNode() || selector.isNull()) {
            return false;
        }
        for (Map.Entry<String, String> required : Manifests.stringMap(selector.path("matchLabels")).entrySet()) {
            if (!required.getValue().equals(labels.get(required.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : Manifests.list(selector.path("matchExpressions"))) {
            String key = expression.path("key").asText();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean matches;
            switch (expression.path("operator").asText()) {
                case "In" -> matches = labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> matches = !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> matches = labels.containsKey(key);
                case "DoesNotExist" -> matches = !labels.containsKey(key);
                default -> throw new AssertionError("unknown selector operator in " + expression);
            }
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    /** Whether a Service's plain {@code spec.selector} map selects these labels; a Service without one selects none. */
    static boolean serviceSelects(JsonNode service, Map<String, String> labels) {
        Map<String, String> selector = Manifests.stringMap(service.path("spec").path("selector"));
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }
}
