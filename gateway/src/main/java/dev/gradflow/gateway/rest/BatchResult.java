package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.gradflow.core.graph.NestedArrays;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.gateway.service.BatchState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A batch's state and, once done, its result: the output value, and the gradient of the output with respect to
 * every parameter (by its stable name) and every input, as nested arrays shaped like the tensors themselves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"batchId", "networkId", "status", "output", "parameterGradients", "inputGradients", "error"})
public record BatchResult(String batchId, String networkId, String status, Object output,
        Map<String, Object> parameterGradients, Map<String, Object> inputGradients, String error) {

    static BatchResult of(BatchState state) {
        String status = state.status().name().toLowerCase(Locale.ROOT);
        if (state.status() == BatchState.Status.PENDING) {
            return new BatchResult(state.batchId(), state.networkId(), status, null, null, null, null);
        }
        if (state.status() == BatchState.Status.FAILED) {
            return new BatchResult(state.batchId(), state.networkId(), status, null, null, null,
                    state.result().failure());
        }
        var gradients = state.result().gradients();
        return new BatchResult(state.batchId(), state.networkId(), status, NestedArrays.toNested(gradients.output()),
                nested(gradients.parameters()), nested(gradients.inputs()), null);
    }

    private static Map<String, Object> nested(Map<String, Tensor> tensors) {
        Map<String, Object> result = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> result.put(name, NestedArrays.toNested(tensor)));
        return result;
    }
}
