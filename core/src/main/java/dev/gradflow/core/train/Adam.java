package dev.gradflow.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adaptive momentum: the book's {@code Optimizer_Adam(learning_rate=0.001, decay=0., epsilon=1e-7, beta_1=0.9,
 * beta_2=0.999)}. Starting from momentums and a cache of zeros:
 * <pre>
 * weight_momentums = beta_1 * weight_momentums + (1 - beta_1) * dweights
 * weight_momentums_corrected = weight_momentums / (1 - beta_1 ** (iterations + 1))
 * weight_cache = beta_2 * weight_cache + (1 - beta_2) * dweights**2
 * weight_cache_corrected = weight_cache / (1 - beta_2 ** (iterations + 1))
 * weights += -current_learning_rate * weight_momentums_corrected / (np.sqrt(weight_cache_corrected) + epsilon)
 * </pre>
 * The bias correction counts from {@code iterations + 1} because {@code iterations} is 0 at the first step. Its
 * powers are {@link StrictMath#pow}, which gives the same bits on every JVM, so a job resumed elsewhere continues
 * identically.
 *
 * <p>Checked against <a href="https://github.com/Sentdex/nnfs_book/blob/main/Chapter_10/Ch10_Final.py">
 * Sentdex/nnfs_book, Chapter_10/Ch10_Final.py</a>, the book's own code for the chapter.
 *
 * @param learningRate the book's {@code learning_rate}, greater than 0
 * @param decay the book's {@code decay}, at least 0
 * @param epsilon the book's {@code epsilon}, greater than 0
 * @param beta1 the book's {@code beta_1}, the momentums' retain factor, in [0, 1)
 * @param beta2 the book's {@code beta_2}, the cache's retain factor, in [0, 1)
 */
public record Adam(double learningRate, double decay, double epsilon, double beta1, double beta2)
        implements Optimizer {
    public static final double DEFAULT_LEARNING_RATE = 0.001;
    public static final double DEFAULT_DECAY = 0.0;
    public static final double DEFAULT_EPSILON = 1e-7;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;

    public Adam {
        Hyperparameters.learningRate(learningRate);
        Hyperparameters.decay(decay);
        Hyperparameters.epsilon(epsilon);
        Hyperparameters.retainFactor("beta1", beta1);
        Hyperparameters.retainFactor("beta2", beta2);
    }

    /** The book's defaults. */
    public Adam() {
        this(DEFAULT_LEARNING_RATE, DEFAULT_DECAY, DEFAULT_EPSILON, DEFAULT_BETA1, DEFAULT_BETA2);
    }

    @Override
    public String type() {
        return "adam";
    }

    @Override
    public Map<String, Double> options() {
        Map<String, Double> options = new LinkedHashMap<>();
        options.put("learningRate", learningRate);
        options.put("decay", decay);
        options.put("epsilon", epsilon);
        options.put("beta1", beta1);
        options.put("beta2", beta2);
        return options;
    }

    /** {@code momentums} (the first moment) and {@code cache} (the second), in that order. */
    @Override
    public List<String> slotNames() {
        return List.of("momentums", "cache");
    }

    @Override
    public void updateInPlace(double[] parameter, double[] gradient, double[][] slots, double currentLearningRate,
            long iterations) {
        Hyperparameters.checkArrays(parameter, gradient, slots, 2);
        double[] momentums = slots[0];
        double[] cache = slots[1];
        double step = iterations + 1.0;
        double momentumCorrection = 1 - StrictMath.pow(beta1, step);
        double cacheCorrection = 1 - StrictMath.pow(beta2, step);
        double keepGradient = 1 - beta1;
        double keepSquare = 1 - beta2;
        for (int i = 0; i < parameter.length; i++) {
            double g = gradient[i];
            momentums[i] = beta1 * momentums[i] + keepGradient * g;
            double momentumCorrected = momentums[i] / momentumCorrection;
            cache[i] = beta2 * cache[i] + keepSquare * (g * g);
            double cacheCorrected = cache[i] / cacheCorrection;
            parameter[i] += -currentLearningRate * momentumCorrected / (Math.sqrt(cacheCorrected) + epsilon);
        }
    }
}
