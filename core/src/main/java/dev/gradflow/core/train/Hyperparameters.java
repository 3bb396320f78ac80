package dev.gradflow.core.train;

import dev.gradflow.core.graph.DefinitionException;

/**
 * Range checks shared by the optimizers' constructors. Each failure is a {@link DefinitionException} whose field
 * is {@code optimizer.<option>}, the public option name, so a client sees which value in its request is wrong.
 */
final class Hyperparameters {
    /** The JSON field an optimizer is read from; error paths start with it. */
    static final String ROOT = "optimizer";

    private Hyperparameters() {
    }

    static DefinitionException error(String option, String problem) {
        return new DefinitionException(ROOT + "." + option, problem);
    }

    /** A learning rate: finite and greater than 0 (0 would never move, a negative rate would climb the loss). */
    static void learningRate(double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw error("learningRate", "must be a finite number greater than 0, got " + value);
        }
    }

    /** The decay: finite and at least 0 (a negative decay would make the rate grow until it divides by zero). */
    static void decay(double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw error("decay", "must be a finite number of at least 0, got " + value);
        }
    }

    /** Epsilon: finite and greater than 0, since it is what keeps a zero gradient from dividing 0 by 0. */
    static void epsilon(double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw error("epsilon", "must be a finite number greater than 0, got " + value);
        }
    }

    /**
     * A retain factor (momentum, rho, beta1, beta2) in [0, 1): at 1 a moving average never forgets, and Adam's
     * bias correction {@code 1 - beta ** t} would be 0.
     */
    static void retainFactor(String option, double value) {
        if (!(value >= 0 && value < 1)) {
            throw error(option, "must be in [0, 1), got " + value);
        }
    }

    /** The slot and length checks of {@link Optimizer#updateInPlace}, done once per parameter. */
    static void checkArrays(double[] parameter, double[] gradient, double[][] slots, int slotCount) {
        if (gradient.length != parameter.length) {
            throw new IllegalArgumentException("gradient has " + gradient.length + " elements, the parameter "
                    + parameter.length);
        }
        if (slots.length != slotCount) {
            throw new IllegalArgumentException("expected " + slotCount + " slots, got " + slots.length);
        }
        for (int k = 0; k < slots.length; k++) {
            if (slots[k].length != parameter.length) {
                throw new IllegalArgumentException("slot " + k + " has " + slots[k].length
                        + " elements, the parameter " + parameter.length);
            }
        }
    }
}
