package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Shapes;

/** The shape rule shared by the broadcasting binary ops. */
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
}
