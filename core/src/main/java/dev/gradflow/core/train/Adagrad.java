package dev.gradflow.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adaptive gradient: the book's {@code Optimizer_Adagrad(learning_rate=1., decay=0., epsilon=1e-7)}. Starting
 * from a cache of zeros:
 * <pre>
 * weight_cache += dweights**2
 * weights += -current_learning_rate * dweights / (np.sqrt(weight_cache) + epsilon)
 * </pre>
 *
 * <p>Checked against <a href="https://github.com/Sentdex/nnfs_book/blob/main/Chapter_10/Ch10_Final.py">
 * Sentdex/nnfs_book, Chapter_10/Ch10_Final.py</a>, the book's own code for the chapter.
 *
 * @param learningRate the book's {@code learning_rate}, greater than 0
 * @param decay the book's {@code decay}, at least 0
 * @param epsilon the book's {@code epsilon}, greater than 0
 */
public record Adagrad(double learningRate, double decay, double epsilon) implements Optimizer {
    public static final double DEFAULT_LEARNING_RATE = 1.0;
    public static final double DEFAULT_DECAY = 0.0;
    public static final double DEFAULT_EPSILON = 1e-7;

    public Adagrad {
        Hyperparameters.learningRate(learningRate);
        Hyperparameters.decay(decay);
        Hyperparameters.epsilon(epsilon);
    }

    /** The book's defaults. */
    public Adagrad() {
        this(DEFAULT_LEARNING_RATE, DEFAULT_DECAY, DEFAULT_EPSILON);
    }

    @Override
    public String type() {
        return "adagrad";
    }

    @Override
    public Map<String, Double> options() {
        Map<String, Double> options = new LinkedHashMap<>();
        options.put("learningRate", learningRate);
        options.put("decay", decay);
        options.put("epsilon", epsilon);
        return options;
    }

    @Override
    public List<String> slotNames() {
        return List.of("cache");
    }

    @Override
    public void updateInPlace(double[] parameter, double[] gradient, double[][] slots, double currentLearningRate,
            long iterations) {
        Hyperparameters.checkArrays(parameter, gradient, slots, 1);
        double[] cache = slots[0];
        for (int i = 0; i < parameter.length; i++) {
            double g = gradient[i];
            cache[i] += g * g;
            // NumPy's order: (-lr * dW) / (sqrt(cache) + epsilon).
            parameter[i] += -currentLearningRate * g / (Math.sqrt(cache[i]) + epsilon);
        }
    }
}
