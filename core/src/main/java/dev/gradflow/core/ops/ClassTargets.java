package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Shapes;

/**
 * The targets of the categorical losses: class ids [N] (each an integer in [0, C)) or rows [N, C] (one-hot, or
 * any weights), against predictions [N, C].
 */
final class ClassTargets {
    private ClassTargets() {
    }

    static void checkShapes(String op, int[] predictions, int[] targets) {
        if (predictions.length != 2) {
            throw new IllegalArgumentException(op + ": predictions must have shape [N, C], got "
                    + Shapes.format(predictions));
        }
        boolean classIds = targets.length == 1 && targets[0] == predictions[0];
        boolean rows = targets.length == 2 && targets[0] == predictions[0] && targets[1] == predictions[1];
        if (!classIds && !rows) {
            throw new IllegalArgumentException(op + ": targets must be class ids [N] or rows [N, C] matching "
                    + Shapes.format(predictions) + ", got " + Shapes.format(targets));
        }
    }

    /** The class id in row {@code row}, checked. */
    static int classId(String op, double value, int row, int classes) {
        if (value != Math.rint(value) || value < 0 || value >= classes) {
            throw new IllegalArgumentException(op + ": target " + value + " in row " + row
                    + " is not a class id in [0, " + classes + ")");
        }
        return (int) value;
    }
}
