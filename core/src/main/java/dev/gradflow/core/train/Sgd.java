package dev.gradflow.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent, optionally with momentum: the book's {@code Optimizer_SGD(learning_rate=1.,
 * decay=0., momentum=0.)}. Without momentum
 * <pre>
 * weight_updates = -current_learning_rate * dweights
 * weights += weight_updates
 * </pre>
 * and with momentum, starting from momentums of zeros,
 * <pre>
 * weight_updates = momentum * weight_momentums - current_learning_rate * dweights
 * weight_momentums = weight_updates
 * weights += weight_updates
 * </pre>
 * As in the book ({@code if self.momentum:}), a momentum of exactly 0 keeps no momentums at all.
 *
 * <p>Checked against <a href="https://github.com/Sentdex/nnfs_book/blob/main/Chapter_10/Ch10_Final.py">
 * Sentdex/nnfs_book, Chapter_10/Ch10_Final.py</a>, the book's own code for the chapter.
 *
 * @param learningRate the book's {@code learning_rate}, greater than 0
 * @param decay the book's {@code decay}, at least 0
 * @param momentum the book's {@code momentum}, in [0, 1)
 */
public record Sgd(double learningRate, double decay, double momentum) implements Optimizer {
    public static final double DEFAULT_LEARNING_RATE = 1.0;
    public static final double DEFAULT_DECAY = 0.0;
    public static final double DEFAULT_MOMENTUM = 0.0;

    public Sgd {
        Hyperparameters.learningRate(learningRate);
        Hyperparameters.decay(decay);
        Hyperparameters.retainFactor("momentum", momentum);
    }

    /** The book's defaults. */
    public Sgd() {
        this(DEFAULT_LEARNING_RATE, DEFAULT_DECAY, DEFAULT_MOMENTUM);
    }

    @Override
    public String type() {
        return "sgd";
    }

    @Override
    public Map<String, Double> options() {
        Map<String, Double> options = new LinkedHashMap<>();
        options.put("learningRate", learningRate);
        options.put("decay", decay);
        options.put("momentum", momentum);
        return options;
    }

    @Override
    public List<String> slotNames() {
        return momentum == 0 ? List.of() : List.of("momentums");
    }

    @Override
    public void updateInPlace(double[] parameter, double[] gradient, double[][] slots, double currentLearningRate,
            long iterations) {
        Hyperparameters.checkArrays(parameter, gradient, slots, slotNames().size());
        if (momentum == 0) {
            for (int i = 0; i < parameter.length; i++) {
                parameter[i] += -currentLearningRate * gradient[i];
            }
            return;
        }
        double[] momentums = slots[0];
        for (int i = 0; i < parameter.length; i++) {
            double update = momentum * momentums[i] - currentLearningRate * gradient[i];
            momentums[i] = update;
            parameter[i] += update;
        }
    }
}
