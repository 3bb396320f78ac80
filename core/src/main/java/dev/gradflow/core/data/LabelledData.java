package dev.gradflow.core.data;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.Map;

/**
 * A data set as a layer-list network is fed: inputs {@code x} [N, features] and targets {@code y}, both in one
 * dtype because a batch's tensors must match the network's dtype.
 *
 * <p>For classification the targets are class ids [N], each a whole number in [0, C), which is what the
 * categorical losses take with {@code "targetFormat": "class-ids"} (the default), exactly as
 * {@code examples/mlp.batch.json} writes them. The nnfs package returns them as {@code uint8}; here they are held in
 * the inputs' dtype, which represents every id exactly.
 *
 * @param inputs the samples, one row each
 * @param targets class ids [N], or target rows [N, outputs] for regression
 */
public record LabelledData(Tensor inputs, Tensor targets) {
    /** The name of the input of a layer-list network. */
    public static final String INPUT_NAME = "x";
    /** The name of the target of a layer-list network. */
    public static final String TARGET_NAME = "y";

    public LabelledData {
        if (inputs.rank() != 2) {
            throw new IllegalArgumentException("inputs must be [N, features], got rank " + inputs.rank());
        }
        if (targets.rank() < 1 || targets.dim(0) != inputs.dim(0)) {
            throw new IllegalArgumentException("targets must have one row per input row (" + inputs.dim(0) + ")");
        }
        if (inputs.dtype() != targets.dtype()) {
            throw new IllegalArgumentException("inputs are " + inputs.dtype().label() + " but targets are "
                    + targets.dtype().label());
        }
    }

    public DType dtype() {
        return inputs.dtype();
    }

    /** The number of samples N. */
    public int samples() {
        return inputs.dim(0);
    }

    /**
     * The same data in another dtype, for a network of that dtype. Widening float32 to float64 is exact, so a
     * float64 network sees the very numbers the book's float32 data holds.
     */
    public LabelledData cast(DType dtype) {
        return new LabelledData(inputs.cast(dtype), targets.cast(dtype));
    }

    /** The given rows, in that order: a batch of this data set. */
    public LabelledData rows(int[] rows) {
        return new LabelledData(gather(inputs, rows), gather(targets, rows));
    }

    /**
     * The rows {@code rows} of {@code tensor} along its first axis, stacked in that order: copied from the backing
     * array in the tensor's own dtype, so a batch of a large data set costs its own size, not the data set's.
     */
    private static Tensor gather(Tensor tensor, int[] rows) {
        int width = tensor.size() / tensor.dim(0);
        int[] shape = tensor.shape().clone();
        shape[0] = rows.length;
        if (tensor.dtype() == DType.FLOAT32) {
            float[] source = tensor.floats();
            float[] values = new float[rows.length * width];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(source, rows[r] * width, values, r * width, width);
            }
            return Tensor.ofFloats(shape, values);
        }
        double[] source = tensor.doubles();
        double[] values = new double[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(source, rows[r] * width, values, r * width, width);
        }
        return Tensor.ofDoubles(shape, values);
    }

    /** The feeds of a layer-list network, {@code x} and {@code y}, for {@code ForwardPass.record}. */
    public Map<String, Tensor> feeds() {
        return Map.of(INPUT_NAME, inputs, TARGET_NAME, targets);
    }
}
