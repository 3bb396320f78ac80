package dev.gradflow.core.graph;

/**
 * An activation as a layer of its own, as the book writes networks ({@code Dense → ReLU → Dense → Softmax}).
 *
 * @param name node name
 * @param activation what it applies
 */
public record ActivationLayer(String name, Activation activation) implements Layer {
}
