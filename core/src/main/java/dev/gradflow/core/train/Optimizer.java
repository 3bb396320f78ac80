package dev.gradflow.core.train;

import dev.gradflow.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One of the book's optimizers (chapter 10): its hyperparameters and its update formula. The closed set is
 * {@link Sgd}, {@link Adagrad}, {@link RmsProp} and {@link Adam}.
 *
 * <p>All four share the book's learning-rate decay, {@link #currentLearningRate(long)}, computed before the update
 * from the number of steps already taken.
 */
public sealed interface Optimizer permits Sgd, Adagrad, RmsProp, Adam {

    /** The name in JSON and on the wire: {@code sgd}, {@code adagrad}, {@code rmsprop} or {@code adam}. */
    String type();

    /** The book's {@code learning_rate}: the rate before decay. */
    double learningRate();

    /** The book's {@code decay}: 0 keeps the learning rate constant. */
    double decay();

    /**
     * Every hyperparameter by its public option name, in the order of the book's constructor arguments, e.g.
     * {@code learningRate, decay, epsilon, beta1, beta2} for Adam. {@link OptimizerParser} accepts exactly these.
     */
    Map<String, Double> options();

    /**
     * The names of the per-parameter slot tensors this optimizer keeps in {@link OptimizerState}, in the order
     * {@link #updateInPlace} receives them: the book's {@code weight_momentums} and {@code weight_cache} become
     * {@code momentums} and {@code cache}. Empty for SGD without momentum, which keeps no state but the step count.
     */
    List<String> slotNames();

    /**
     * The book's {@code update_params} for one parameter, on float64 arrays of equal length.
     *
     * @param parameter the parameter's elements. Modified: the updated parameter
     * @param gradient ∂loss/∂parameter. Not modified
     * @param slots one array per {@link #slotNames()} entry, zeros before the first step. Modified: the new slots
     * @param currentLearningRate {@link #currentLearningRate(long)} of {@code iterations}
     * @param iterations full steps taken before this one (the book's {@code self.iterations}, from 0)
     * @throws IllegalArgumentException when the lengths or the number of slots do not fit
     */
    void updateInPlace(double[] parameter, double[] gradient, double[][] slots, double currentLearningRate,
            long iterations);

    /**
     * The book's {@code pre_update_params}:
     * {@code current_learning_rate = learning_rate * (1. / (1. + decay * iterations))}, evaluated in that order.
     * With decay 0 this is exactly {@code learning_rate}, as in the book, which skips the computation then.
     *
     * @param iterations full steps taken so far
     */
    default double currentLearningRate(long iterations) {
        return learningRate() * (1.0 / (1.0 + decay() * iterations));
    }

    /**
     * One full step over every parameter: {@code pre_update_params}, {@code update_params} for each parameter,
     * {@code post_update_params}. A pure function: nothing passed in is modified. See {@link OptimizerStep#apply}.
     */
    default StepResult step(Map<String, Tensor> parameters, Map<String, Tensor> gradients, OptimizerState state) {
        return OptimizerStep.apply(this, parameters, gradients, state);
    }
}
