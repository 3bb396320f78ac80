package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;

/**
 * The same elements in another shape, row-major order kept. One dimension of the target may be −1: it is
 * inferred from the element count, and it is how a reshape keeps the batch dimension (e.g. [N, 28, 28] to
 * [−1, 784]). The gradient is the output gradient in the input's shape. Saves nothing.
 *
 * @param shape the target shape, at most one −1, every other dimension positive
 */
public record Reshape(int[] shape) implements Op {
    public Reshape {
        shape = shape.clone();
        if (shape.length > Shapes.MAX_RANK) {
            throw new AttributeException("shape", "rank " + shape.length + " exceeds the maximum " + Shapes.MAX_RANK);
        }
        int inferred = 0;
        for (int dim : shape) {
            if (dim == -1) {
                inferred++;
            } else if (dim < 1) {
                throw new AttributeException("shape", "dimensions must be positive or -1, got " + dim);
            }
        }
        if (inferred > 1) {
            throw new AttributeException("shape", "at most one dimension may be -1");
        }
    }

    @Override
    public String name() {
        return "reshape";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public double[] attributes() {
        return Arrays.stream(shape).asDoubleStream().toArray();
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] input = inputShapes[0];
        long known = 1;
        int inferredAt = -1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                inferredAt = i;
            } else {
                known *= shape[i];
            }
        }
        long inputKnown = 1;
        boolean batchDependent = false;
        for (int dim : input) {
            if (dim == Shapes.ANY) {
                batchDependent = true;
            } else {
                inputKnown *= dim;
            }
        }
        int[] output = shape.clone();
        if (batchDependent) {
            // The -1 stands for the batch dimension, so everything else must match one sample exactly.
            if (inferredAt < 0 || known != inputKnown) {
                throw new IllegalArgumentException("reshape: input " + Shapes.format(input) + " has a batch"
                        + " dimension, so the target needs one -1 for it and its other dimensions must multiply to "
                        + inputKnown + ", got " + Arrays.toString(shape));
            }
            output[inferredAt] = Shapes.ANY;
            return output;
        }
        if (inferredAt >= 0) {
            if (inputKnown % known != 0) {
                throw new IllegalArgumentException("reshape: " + inputKnown + " elements of "
                        + Shapes.format(input) + " do not fill " + Arrays.toString(shape));
            }
            output[inferredAt] = (int) (inputKnown / known);
        } else if (known != inputKnown) {
            throw new IllegalArgumentException("reshape: " + Shapes.format(input) + " has " + inputKnown
                    + " elements, " + Arrays.toString(shape) + " has " + known);
        }
        return output;
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        return Forward.of(inputs[0].reshape(outputShape(new int[][] {inputs[0].shape()})));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {gradient.reshape(context.inputShape(0))};
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Reshape that && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Reshape" + Arrays.toString(shape);
    }

    @Override
    public String chainRule(int input) {
        return "G, reshaped back";
    }
}
