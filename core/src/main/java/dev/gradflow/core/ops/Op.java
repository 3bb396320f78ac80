package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * One differentiable operation of the closed set.
 *
 * <p>Shape rules work on declared shapes (which may contain {@link dev.gradflow.core.tensor.Shapes#ANY}) as well as
 * on concrete ones, so a definition is checked once when it is registered and again for each batch.
 */
public sealed interface Op permits Add, Sub, Mul, Div, Neg, Pow, Maximum, Minimum, Abs, Sqrt, Clip, Relu, Sigmoid,
        Tanh, Exp, Log, MatMul, Dense, Transpose, Reshape, Sum, Mean, ReduceMax, Softmax, Dropout, SoftmaxCrossEntropy,
        CategoricalCrossEntropy, BinaryCrossEntropy, MeanSquaredError, MeanAbsoluteError {

    /** The op's name in definitions and on the tape, e.g. {@code "matmul"}. */
    String name();

    /** Number of inputs. */
    int arity();

    /** Numeric attributes recorded on the tape (an exponent, an axis); empty for most ops. */
    default double[] attributes() {
        return new double[0];
    }

    /**
     * The op as it runs for one batch. Only ops that draw random numbers (dropout) differ: they mix the batch's
     * seed into their own, so each batch gets its own draw and a replayed batch the same one.
     */
    default Op forBatch(long batchSeed) {
        return this;
    }

    /**
     * The output shape for the given input shapes.
     *
     * @throws IllegalArgumentException with a message describing the mismatch
     */
    int[] outputShape(int[][] inputShapes);

    /** Computes the output and the values {@link #backward} will need. Inputs are not modified. */
    Forward forward(Tensor[] inputs);

    /**
     * The gradient of the loss with respect to each input, given the gradient with respect to the output.
     *
     * @param context the values saved by {@link #forward} and the shapes of the inputs
     * @param gradient gradient with respect to this op's output, shaped like the output
     * @return one entry per input, shaped like that input, or {@code null} for a non-differentiable input
     */
    Tensor[] backward(BackwardContext context, Tensor gradient);

    /**
     * The form of {@link #backward}'s contribution to input {@code input}, in terms of the upstream gradient G, for
     * a picture of the chain rule: {@code Aᵀ · G} for a matrix product's second input, say. The default names the
     * partial derivative itself; the ops a picture shows most spell theirs out.
     */
    default String chainRule(int input) {
        return "G · ∂" + name() + "/∂input" + input;
    }
}
