package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;
import java.util.List;

/**
 * What a forward step produced: the output and the tensors its backward rule needs, in the op's own order.
 *
 * @param output the op's output
 * @param saved exactly what {@link Op#backward} reads; recorded on the tape
 */
public record Forward(Tensor output, List<Tensor> saved) {
    public Forward {
        saved = List.copyOf(saved);
    }

    public static Forward of(Tensor output, Tensor... saved) {
        return new Forward(output, List.of(saved));
    }
}
