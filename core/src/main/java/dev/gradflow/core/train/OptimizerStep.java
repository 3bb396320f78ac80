package dev.gradflow.core.train;

import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One optimizer step as a pure function: {@code (parameters, gradients, state) → (new parameters, new state)}.
 *
 * <p>It is the book's training-loop triple: {@code pre_update_params} (the current learning rate from the step
 * count), {@code update_params} for each parameter, {@code post_update_params} ({@code iterations += 1}, once, after
 * every parameter has been updated). Each parameter, its gradient and its slots are widened to fresh float64 arrays
 * (a float64 parameter is copied, so the caller's tensor is never written), {@link Optimizer#updateInPlace} runs
 * once per parameter, and the results become new tensors of the parameter's dtype: wrapped for float64, rounded once
 * to float32 for float32 (see the package documentation). Parameters do not interact, so the result does not depend
 * on the order of the maps.
 */
public final class OptimizerStep {
    private OptimizerStep() {
    }

    /**
     * @param parameters every parameter to update, by name. Not modified
     * @param gradients exactly one gradient per parameter, of its shape and dtype. Not modified
     * @param state the state returned by the previous step, or {@link OptimizerState#initial()}. Not modified
     * @throws IllegalArgumentException when a gradient is missing, extra or of another shape or dtype, or when the
     *     state does not belong to these parameters and this optimizer
     * @throws NonFiniteException when a gradient holds a NaN or an infinity, or the step would store one (say,
     *     a learning rate so large that a parameter overflows)
     */
    public static StepResult apply(Optimizer optimizer, Map<String, Tensor> parameters,
            Map<String, Tensor> gradients, OptimizerState state) {
        Objects.requireNonNull(optimizer, "optimizer");
        checkNames(parameters, gradients, state, optimizer.slotNames());
        long iterations = state.iterations();
        double learningRate = optimizer.currentLearningRate(iterations);
        List<String> slotNames = optimizer.slotNames();
        Map<String, Tensor> updated = new LinkedHashMap<>();
        Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : parameters.entrySet()) {
            String name = entry.getKey();
            Tensor parameter = entry.getValue();
            Tensor gradient = gradients.get(name);
            checkLike(parameter, gradient, "the gradient of parameter \"" + name + "\"");
            requireFinite(gradient, "the gradient of parameter \"" + name + "\"");

            double[] values = parameter.toDoubleArray();
            double[][] slotValues = new double[slotNames.size()][];
            Map<String, Tensor> previous = state.slots().get(name);
            for (int k = 0; k < slotNames.size(); k++) {
                if (previous == null) {
                    // The book's np.zeros_like on the first step: slots take the parameter's shape.
                    slotValues[k] = new double[values.length];
                } else {
                    Tensor slot = previous.get(slotNames.get(k));
                    checkLike(parameter, slot, "slot \"" + slotNames.get(k) + "\" of parameter \"" + name + "\"");
                    slotValues[k] = slot.toDoubleArray();
                }
            }

            optimizer.updateInPlace(values, gradient.readDoubles(), slotValues, learningRate, iterations);

            String after = " after step " + (iterations + 1) + " (" + optimizer.type() + ")";
            Tensor result = Tensor.of(parameter.dtype(), parameter.shape(), values);
            requireFinite(result, "parameter \"" + name + "\"" + after);
            updated.put(name, result);
            if (!slotNames.isEmpty()) {
                Map<String, Tensor> named = new LinkedHashMap<>();
                for (int k = 0; k < slotNames.size(); k++) {
                    Tensor slot = Tensor.of(parameter.dtype(), parameter.shape(), slotValues[k]);
                    requireFinite(slot, "slot \"" + slotNames.get(k) + "\" of parameter \"" + name
                            + "\"" + after);
                    named.put(slotNames.get(k), slot);
                }
                slots.put(name, named);
            }
        }
        return new StepResult(updated, new OptimizerState(Math.addExact(iterations, 1), slots));
    }

    /**
     * Gradients must name exactly the parameters. The state's slots must belong to these parameters and this
     * optimizer: after the first step every parameter has all of them, because the book creates them at the first
     * update and Adam's bias correction assumes they have seen every step since. A state that lacks one was made
     * for other parameters or has lost data; resuming from it would silently restart that parameter's history.
     */
    private static void checkNames(Map<String, Tensor> parameters, Map<String, Tensor> gradients,
            OptimizerState state, List<String> slotNames) {
        for (String name : parameters.keySet()) {
            if (!gradients.containsKey(name)) {
                throw new IllegalArgumentException("no gradient for parameter \"" + name + "\"");
            }
        }
        for (String name : gradients.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("a gradient for \"" + name + "\", which is not a parameter; "
                        + "parameters: " + parameters.keySet());
            }
        }
        for (Map.Entry<String, Map<String, Tensor>> entry : state.slots().entrySet()) {
            if (!parameters.containsKey(entry.getKey())) {
                throw new IllegalArgumentException("the optimizer state holds slots for \"" + entry.getKey()
                        + "\", which is not a parameter; parameters: " + parameters.keySet());
            }
            if (!entry.getValue().keySet().equals(Set.copyOf(slotNames))) {
                throw new IllegalArgumentException("the optimizer state holds slots " + entry.getValue().keySet()
                        + " for parameter \"" + entry.getKey() + "\", this optimizer keeps " + slotNames);
            }
        }
        if (state.iterations() > 0 && !slotNames.isEmpty()) {
            for (String name : parameters.keySet()) {
                if (!state.slots().containsKey(name)) {
                    throw new IllegalArgumentException("the optimizer state after " + state.iterations()
                            + " steps has no slots for parameter \"" + name + "\"; slots are created at the first "
                            + "step, so this state belongs to other parameters or another optimizer");
                }
            }
        }
    }

    /** The message of the forward and backward passes' own check, so a client reads one style of error. */
    private static void requireFinite(Tensor tensor, String what) {
        int bad = tensor.firstNonFinite();
        if (bad >= 0) {
            throw new NonFiniteException("non-finite value: " + what + " holds " + tensor.getDouble(bad)
                    + " (element " + bad + " of " + Shapes.format(tensor.shape()) + ")");
        }
    }

    private static void checkLike(Tensor parameter, Tensor other, String what) {
        Objects.requireNonNull(other, what);
        if (other.dtype() != parameter.dtype() || !Arrays.equals(other.shape(), parameter.shape())) {
            throw new IllegalArgumentException(what + " is " + other.dtype().label() + " "
                    + Shapes.format(other.shape()) + ", the parameter " + parameter.dtype().label() + " "
                    + Shapes.format(parameter.shape()));
        }
    }
}
