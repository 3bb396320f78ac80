package dev.gradflow.core.tape;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;

/**
 * A NaN or an infinity appeared in the forward or the backward pass. Such a batch is answered with this message,
 * which names the first op that produced one, and never with gradients.
 */
public final class NonFiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NonFiniteException(String message) {
        super(message);
    }

    /** Throws when {@code tensor} holds a NaN or an infinity; {@code what} says where it came from. */
    static void check(Tensor tensor, String what) {
        int bad = tensor.firstNonFinite();
        if (bad >= 0) {
            throw new NonFiniteException("non-finite value: " + what + " holds " + tensor.getDouble(bad)
                    + " (element " + bad + " of " + Shapes.format(tensor.shape()) + ")");
        }
    }
}
