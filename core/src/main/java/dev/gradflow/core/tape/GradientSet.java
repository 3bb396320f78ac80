package dev.gradflow.core.tape;

import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the backward pass returns.
 *
 * @param output the value being differentiated (the loss)
 * @param parameters ∂output/∂p for every parameter, by its stable name, shaped like the parameter
 * @param inputs ∂output/∂x for every per-batch input (targets excluded), shaped like the input
 */
public record GradientSet(Tensor output, Map<String, Tensor> parameters, Map<String, Tensor> inputs) {
    public GradientSet {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }
}
