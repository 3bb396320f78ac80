package dev.gradflow.core.train;

import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an optimizer remembers between steps: the book's {@code self.iterations} and, per parameter, the
 * arrays the book attaches to each layer ({@code weight_momentums}, {@code weight_cache}), here called slots.
 * A value: a step returns a new state and never changes this one, so the state committed with a Kafka transaction
 * is exactly the state a restarted job resumes from. Two states are equal when their counts, names and tensors
 * are equal bit for bit.
 *
 * @param iterations full steps taken so far, from 0
 * @param slots per parameter name, its slot tensors by slot name (see {@link Optimizer#slotNames()}), each shaped
 *     and typed like the parameter; empty before the first step and for an optimizer without slots
 */
public record OptimizerState(long iterations, Map<String, Map<String, Tensor>> slots) {
    public OptimizerState {
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be at least 0, got " + iterations);
        }
        Map<String, Map<String, Tensor>> copy = new LinkedHashMap<>();
        slots.forEach((parameter, named) -> {
            Map<String, Tensor> own = new LinkedHashMap<>();
            named.forEach((slot, tensor) -> own.put(Objects.requireNonNull(slot, "slot name"),
                    Objects.requireNonNull(tensor, () -> "slot \"" + slot + "\" of \"" + parameter + "\"")));
            copy.put(Objects.requireNonNull(parameter, "parameter name"), Collections.unmodifiableMap(own));
        });
        slots = Collections.unmodifiableMap(copy);
    }

    /** The state before the first step: no steps, no slots (they are created from the first gradients). */
    public static OptimizerState initial() {
        return new OptimizerState(0, Map.of());
    }
}
