package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;

/**
 * The largest element, of the whole tensor (a scalar) or along one axis (that axis removed). The gradient goes to
 * the position of the maximum, the first one on ties, so it is deterministic; every other element gets 0. Saves
 * the flat index of each maximum.
 *
 * @param axis the axis to reduce, or {@code null} for the whole tensor
 */
public record ReduceMax(Integer axis) implements Op {
    @Override
    public String name() {
        return "reduce-max";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public double[] attributes() {
        return axis == null ? new double[0] : new double[] {axis};
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        if (Shapes.size(concrete(inputShapes[0])) == 0) {
            throw new IllegalArgumentException("reduce-max: the input has no elements");
        }
        return Reduction.outputShape(name(), axis, inputShapes[0]);
    }

    private static int[] concrete(int[] shape) {
        int[] result = shape.clone();
        for (int i = 0; i < result.length; i++) {
            result[i] = result[i] == Shapes.ANY ? 1 : result[i];
        }
        return result;
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor input = inputs[0];
        int[] shape = input.shape();
        int[] outShape = outputShape(new int[][] {shape});
        double[] a = input.readDoubles();
        int outer = 1;
        int length = a.length;
        int inner = 1;
        if (axis != null) {
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            length = shape[axis];
            inner = a.length / (outer * length);
        }
        double[] max = new double[outer * inner];
        double[] where = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = o * length * inner + i;
                for (int l = 1; l < length; l++) {
                    int position = (o * length + l) * inner + i;
                    if (a[position] > a[best]) {
                        best = position;
                    }
                }
                max[o * inner + i] = a[best];
                where[o * inner + i] = best;
            }
        }
        // Indices are saved as float64 whatever the dtype: float32 would lose integers above 2^24.
        Tensor indices = Tensor.of(DType.FLOAT64, outShape, where);
        return Forward.of(Tensor.of(input.dtype(), outShape, max), indices);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] where = context.saved(0).readDoubles();
        double[] g = gradient.readDoubles();
        double[] result = new double[Shapes.size(context.inputShape(0))];
        for (int i = 0; i < where.length; i++) {
            result[(int) where[i]] += g[i];
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), context.inputShape(0), result)};
    }
}
