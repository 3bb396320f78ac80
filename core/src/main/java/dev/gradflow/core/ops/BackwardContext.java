package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;
import java.util.List;

/**
 * What a backward rule may read: the tensors its forward step saved and the shapes of its inputs. It is built
 * from the tape alone, never from a live forward pass.
 *
 * @param saved the tensors {@link Forward#saved()} named, in the same order
 * @param inputShapes the concrete shape of each input
 */
public record BackwardContext(List<Tensor> saved, int[][] inputShapes) {
    public BackwardContext {
        saved = List.copyOf(saved);
    }

    public Tensor saved(int index) {
        return saved.get(index);
    }

    public int[] inputShape(int index) {
        return inputShapes[index];
    }
}
