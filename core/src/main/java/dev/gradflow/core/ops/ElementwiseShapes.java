package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Shapes;

/** The shape rules shared by several ops: broadcasting, and the losses that compare two tensors elementwise. */
final class ElementwiseShapes {
    private ElementwiseShapes() {
    }

    static int[] broadcast(String op, int[][] inputShapes) {
        int[] shape = Broadcast.shape(inputShapes[0], inputShapes[1]);
        if (shape == null) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.format(inputShapes[0]) + " and "
                    + Shapes.format(inputShapes[1]) + " do not broadcast (aligned dimensions must be equal or 1)");
        }
        return shape;
    }

    /**
     * The rule of the elementwise losses: both inputs of exactly the same shape (nothing broadcasts), output a
     * scalar. {@code first} and {@code second} name the inputs in the message.
     */
    static int[] sameShapeToScalar(String op, String first, String second, int[][] inputShapes) {
        if (!Shapes.equal(inputShapes[0], inputShapes[1])) {
            throw new IllegalArgumentException(op + ": " + first + " " + Shapes.format(inputShapes[0]) + " and "
                    + second + " " + Shapes.format(inputShapes[1]) + " must have the same shape");
        }
        return new int[0];
    }
}
