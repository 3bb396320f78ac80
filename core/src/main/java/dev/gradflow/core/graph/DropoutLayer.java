package dev.gradflow.core.graph;

/**
 * Inverted dropout: drops each element with probability {@code rate} and scales the rest by {@code 1/(1 − rate)}.
 * Its mask comes from the definition's seed, the layer's position and the batch, and is recorded on the tape.
 *
 * @param name node name
 * @param rate probability of dropping an element, in [0, 1)
 */
public record DropoutLayer(String name, double rate) implements Layer {
}
