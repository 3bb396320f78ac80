package dev.gradflow.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Root mean square propagation: the book's {@code Optimizer_RMSprop(learning_rate=0.001, decay=0., epsilon=1e-7,
 * rho=0.9)}. Starting from a cache of zeros:
 * <pre>
 * weight_cache = rho * weight_cache + (1 - rho) * dweights**2
 * weights += -current_learning_rate * dweights / (np.sqrt(weight_cache) + epsilon)
 * </pre>
 *
 * <p>Checked against <a href="https://github.com/Sentdex/nnfs_book/blob/main/Chapter_10/Ch10_Final.py">
 * Sentdex/nnfs_book, Chapter_10/Ch10_Final.py</a>, the book's own code for the chapter.
 *
 * @param learningRate the book's {@code learning_rate}, greater than 0
 * @param decay the book's {@code decay}, at least 0
 * @param epsilon the book's {@code epsilon}, greater than 0
 * @param rho the book's {@code rho}, the cache's retain factor, in [0, 1)
 */
public record RmsProp(double learningRate, double decay, double epsilon, double rho) implements Optimizer {
    public static final double DEFAULT_LEARNING_RATE = 0.001;
    public static final double DEFAULT_DECAY = 0.0;
    public static final double DEFAULT_EPSILON = 1e-7;
    public static final double DEFAULT_RHO = 0.9;

    public RmsProp {
        Hyperparameters.learningRate(learningRate);
        Hyperparameters.decay(decay);
        Hyperparameters.epsilon(epsilon);
        Hyperparameters.retainFactor("rho", rho);
    }

    /** The book's defaults. */
    public RmsProp() {
        this(DEFAULT_LEARNING_RATE, DEFAULT_DECAY, DEFAULT_EPSILON, DEFAULT_RHO);
    }

    @Override
    public String type() {
        return "rmsprop";
    }

    @Override
    public Map<String, Double> options() {
        Map<String, Double> options = new LinkedHashMap<>();
        options.put("learningRate", learningRate);
        options.put("decay", decay);
        options.put("epsilon", epsilon);
        options.put("rho", rho);
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
        double forget = 1 - rho;
        for (int i = 0; i < parameter.length; i++) {
            double g = gradient[i];
            // (1 - rho) * (dW * dW), not ((1 - rho) * dW) * dW: NumPy squares first.
            cache[i] = rho * cache[i] + forget * (g * g);
            parameter[i] += -currentLearningRate * g / (Math.sqrt(cache[i]) + epsilon);
        }
    }
}
