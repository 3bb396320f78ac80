package dev.gradflow.core.train;

import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one optimizer step returns: the parameters after the update and the state to pass to the next step.
 *
 * @param parameters every parameter, updated, by name, in the order they were given
 * @param state the optimizer's state after this step
 */
public record StepResult(Map<String, Tensor> parameters, OptimizerState state) {
    public StepResult {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
}
