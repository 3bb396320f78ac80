package dev.gradflow.core.tape;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.function.Supplier;

/**
 * A NaN or an infinity appeared in the forward or the backward pass. Such a batch is answered with this message,
 * which names the first op that produced one, and never with gradients.
 */
public final class NonFiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The forward pass up to and including the failing node, or null (a failure in the backward pass). */
    private final transient ForwardPass.Recorded partial;

    public NonFiniteException(String message) {
        this(message, null);
    }

    NonFiniteException(String message, ForwardPass.Recorded partial) {
        super(message);
        this.partial = partial;
    }

    /**
     * For a forward pass that failed: its nodes up to and including the failing one (the last), with their values,
     * which a picture of the failure shows. The partial tape's nodes save nothing, and its output is the failing
     * node. Null for a failure in the backward pass.
     */
    public ForwardPass.Recorded partial() {
        return partial;
    }

    /**
     * Throws when {@code tensor} holds a NaN or an infinity; {@code what} says where it came from, and is asked
     * only then (it runs for every op of every pass).
     */
    static void check(Tensor tensor, Supplier<String> what) {
        int bad = tensor.firstNonFinite();
        if (bad >= 0) {
            throw new NonFiniteException("non-finite value: " + what.get() + " holds " + tensor.getDouble(bad)
                    + " (element " + bad + " of " + Shapes.format(tensor.shape()) + ")");
        }
    }
}
