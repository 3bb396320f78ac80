package dev.gradflow.core.ops;

import dev.gradflow.core.kernels.DenseProducts;
import dev.gradflow.core.kernels.ParallelRanges;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Locale;

/**
 * A dense layer in one op: {@code Y = f(X·W + b)} for X [N, in], W [in, out] and b [out] (added to every row),
 * giving Y [N, out], where f is the identity, ReLU, the sigmoid or tanh. It is the fused form of
 * {@code matmul → add → f} and gives bit-identical values and gradients (tested), in fewer passes over memory.
 *
 * <p>Forward: the product is computed by gemm into a fresh array, then bias and activation are applied to that
 * same array in one pass: it is not yet a tensor, so writing into it is safe. Backward, given G = ∂L/∂Y:
 * <pre>
 * D    = f′ ⊙ G          f′ from the saved output: 1(Y > 0) for ReLU, Y(1 − Y) for the sigmoid, 1 − Y² for tanh
 * ∂L/∂b = Σ_rows D        column sums, accumulated in float64 in row order, rounded once
 * ∂L/∂X = D·Wᵀ             transposed-product kernels, never a materialised transpose
 * ∂L/∂W = Xᵀ·D
 * </pre>
 * The two products are independent and equally large; in float64 they run at the same time where the products
 * have threads ({@link DenseProducts#productGradients}). D lives in a per-thread scratch buffer ({@link Scratch}):
 * it is read by the two products and the sums and never becomes a tensor. For the identity, D is G itself. Saves X
 * and W, and Y unless f is the identity.
 *
 * @param activation f
 */
public record Dense(Activation activation) implements Op {
    /** The activations a dense op can fuse; softmax is not elementwise and stays an op of its own. */
    public enum Activation {
        LINEAR, RELU, SIGMOID, TANH;

        /** The name used in definitions, e.g. {@code relu}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a label; throws {@link AttributeException} naming the choices. */
        static Activation fromLabel(String label) {
            for (Activation activation : values()) {
                if (activation.label().equals(label)) {
                    return activation;
                }
            }
            throw new AttributeException("activation", "must be one of linear, relu, sigmoid, tanh, got " + label);
        }

        /** Decodes the tape attribute, the activation's ordinal. */
        static Activation fromCode(double code) {
            if (code != Math.rint(code) || code < 0 || code >= values().length) {
                throw new IllegalArgumentException("dense: activation code " + code + " is not one of 0 to "
                        + (values().length - 1));
            }
            return values()[(int) code];
        }
    }

    public Dense {
        if (activation == null) {
            throw new AttributeException("activation", "is required");
        }
    }

    @Override
    public String name() {
        return "dense";
    }

    @Override
    public int arity() {
        return 3;
    }

    /** The activation's code: 0 linear, 1 relu, 2 sigmoid, 3 tanh. */
    @Override
    public double[] attributes() {
        return new double[] {activation.ordinal()};
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] x = inputShapes[0];
        int[] w = inputShapes[1];
        int[] b = inputShapes[2];
        if (x.length != 2 || w.length != 2) {
            throw new IllegalArgumentException("dense: input and weights must be matrices (rank 2), got "
                    + Shapes.format(x) + " and " + Shapes.format(w));
        }
        if (x[1] != w[0]) {
            throw new IllegalArgumentException("dense: inner dimensions differ, " + Shapes.format(x) + " · "
                    + Shapes.format(w));
        }
        if (b.length != 1 || b[0] != w[1]) {
            throw new IllegalArgumentException("dense: biases must have shape [" + w[1] + "] for weights "
                    + Shapes.format(w) + ", got " + Shapes.format(b));
        }
        return new int[] {x[0], w[1]};
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs[2];
        outputShape(new int[][] {x.shape(), w.shape(), b.shape()});
        int rows = x.dim(0);
        int in = x.dim(1);
        int out = w.dim(1);
        DenseProducts products = DenseProducts.active();
        int[] shape = {rows, out};
        Tensor y = switch (x.dtype()) {
            case FLOAT64 -> {
                double[] c = products.multiply(x.doubles(), w.doubles(), rows, in, out);
                biasAndActivation(c, b.doubles(), out);
                yield Tensor.ofDoubles(shape, c);
            }
            case FLOAT32 -> {
                float[] c = products.multiply(x.floats(), w.floats(), rows, in, out);
                biasAndActivation(c, b.floats(), out);
                yield Tensor.ofFloats(shape, c);
            }
        };
        return activation == Activation.LINEAR ? Forward.of(y, x, w) : Forward.of(y, x, w, y);
    }

    /**
     * {@code c[r, j] = f(c[r, j] + bias[j])}, in ranges of rows on the products' threads ({@link ParallelRanges}).
     * c: Modified (it is the op's own fresh output). bias: Not modified.
     */
    private void biasAndActivation(double[] c, double[] bias, int columns) {
        if (columns > 0) {
            ParallelRanges.forEach(c.length / columns, columns,
                    (from, to) -> biasAndActivation(c, bias, columns, from, to));
        }
    }

    private void biasAndActivation(double[] c, double[] bias, int columns, int fromRow, int toRow) {
        for (int base = fromRow * columns; base < toRow * columns; base += columns) {
            switch (activation) {
                case LINEAR -> {
                    for (int j = 0; j < columns; j++) {
                        c[base + j] += bias[j];
                    }
                }
                case RELU -> {
                    for (int j = 0; j < columns; j++) {
                        c[base + j] = PositiveGate.positivePart(c[base + j] + bias[j]);
                    }
                }
                case SIGMOID -> {
                    for (int j = 0; j < columns; j++) {
                        c[base + j] = Sigmoid.sigmoid(c[base + j] + bias[j]);
                    }
                }
                case TANH -> {
                    for (int j = 0; j < columns; j++) {
                        c[base + j] = Math.tanh(c[base + j] + bias[j]);
                    }
                }
                default -> throw new IllegalStateException("unhandled " + activation);
            }
        }
    }

    /**
     * The float32 twin: the sum is one float32 addition, as the add op computes it, and f is evaluated in float64
     * on that float32 sum and rounded once, as the activation ops do; so the result is bit-identical to theirs.
     */
    private void biasAndActivation(float[] c, float[] bias, int columns) {
        if (columns > 0) {
            ParallelRanges.forEach(c.length / columns, columns,
                    (from, to) -> biasAndActivation(c, bias, columns, from, to));
        }
    }

    private void biasAndActivation(float[] c, float[] bias, int columns, int fromRow, int toRow) {
        for (int base = fromRow * columns; base < toRow * columns; base += columns) {
            switch (activation) {
                case LINEAR -> {
                    for (int j = 0; j < columns; j++) {
                        c[base + j] += bias[j];
                    }
                }
                case RELU -> {
                    for (int j = 0; j < columns; j++) {
                        c[base + j] = PositiveGate.positivePart(c[base + j] + bias[j]);
                    }
                }
                case SIGMOID -> {
                    for (int j = 0; j < columns; j++) {
                        float z = c[base + j] + bias[j];
                        c[base + j] = (float) Sigmoid.sigmoid(z);
                    }
                }
                case TANH -> {
                    for (int j = 0; j < columns; j++) {
                        float z = c[base + j] + bias[j];
                        c[base + j] = (float) Math.tanh(z);
                    }
                }
                default -> throw new IllegalStateException("unhandled " + activation);
            }
        }
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor x = context.saved(0);
        Tensor w = context.saved(1);
        Tensor y = activation == Activation.LINEAR ? null : context.saved(2);
        int rows = x.dim(0);
        int in = x.dim(1);
        int out = w.dim(1);
        if (!gradient.hasShape(rows, out) || y != null && !y.hasShape(rows, out)) {
            throw new IllegalArgumentException("dense: the gradient " + Shapes.format(gradient.shape())
                    + " or the saved output does not match [" + rows + ", " + out + "]");
        }
        DenseProducts products = DenseProducts.active();
        return switch (gradient.dtype()) {
            case FLOAT64 -> {
                double[] g = gradient.doubles();
                double[] d = y == null ? g : activationGradient(g, y.doubles(), Scratch.doubles(g.length));
                double[][] both = products.productGradients(x.doubles(), w.doubles(), d, rows, in, out);
                yield new Tensor[] {
                    Tensor.ofDoubles(new int[] {rows, in}, both[0]),
                    Tensor.ofDoubles(new int[] {in, out}, both[1]),
                    Tensor.ofDoubles(new int[] {out}, columnSums(d, out))
                };
            }
            case FLOAT32 -> {
                float[] g = gradient.floats();
                float[] d = y == null ? g : activationGradient(g, y.floats(), Scratch.floats(g.length));
                double[] sums = columnSums(d, out);
                float[] bias = new float[out];
                for (int j = 0; j < out; j++) {
                    bias[j] = (float) sums[j];
                }
                float[][] both = products.productGradients(x.floats(), w.floats(), d, rows, in, out);
                yield new Tensor[] {
                    Tensor.ofFloats(new int[] {rows, in}, both[0]),
                    Tensor.ofFloats(new int[] {in, out}, both[1]),
                    Tensor.ofFloats(new int[] {out}, bias)
                };
            }
        };
    }

    /**
     * {@code d = f′(y) ⊙ g}, in ranges on the products' threads; returns d. g, y: Not modified. d: Modified
     * (scratch, overwritten).
     */
    private double[] activationGradient(double[] g, double[] y, double[] d) {
        ParallelRanges.forEach(d.length, 1, (from, to) -> activationGradient(g, y, d, from, to));
        return d;
    }

    private void activationGradient(double[] g, double[] y, double[] d, int from, int to) {
        switch (activation) {
            case RELU -> {
                for (int i = from; i < to; i++) {
                    d[i] = PositiveGate.pass(g[i], y[i]);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    d[i] = g[i] * y[i] * (1 - y[i]);
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    d[i] = g[i] * (1 - y[i] * y[i]);
                }
            }
            default -> throw new IllegalStateException("no activation gradient for " + activation);
        }
    }

    /** The float32 twin: each element computed in float64 and rounded once, as the activation ops do. */
    private float[] activationGradient(float[] g, float[] y, float[] d) {
        ParallelRanges.forEach(d.length, 1, (from, to) -> activationGradient(g, y, d, from, to));
        return d;
    }

    private void activationGradient(float[] g, float[] y, float[] d, int from, int to) {
        switch (activation) {
            case RELU -> {
                for (int i = from; i < to; i++) {
                    d[i] = PositiveGate.pass(g[i], y[i]);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    double s = y[i];
                    d[i] = (float) (g[i] * s * (1 - s));
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    double t = y[i];
                    d[i] = (float) (g[i] * (1 - t * t));
                }
            }
            default -> throw new IllegalStateException("no activation gradient for " + activation);
        }
    }

    /**
     * Σ over rows of d [rows, columns], per column, in float64 and in row order (as broadcasting's adjoint); in
     * ranges of columns on the products' threads, each column still summed by one thread in row order.
     */
    private static double[] columnSums(double[] d, int columns) {
        double[] sums = new double[columns];
        if (columns > 0) {
            ParallelRanges.forEach(columns, d.length / columns, (from, to) -> {
                for (int base = 0; base < d.length; base += columns) {
                    for (int j = from; j < to; j++) {
                        sums[j] += d[base + j];
                    }
                }
            });
        }
        return sums;
    }

    private static double[] columnSums(float[] d, int columns) {
        double[] sums = new double[columns];
        if (columns > 0) {
            ParallelRanges.forEach(columns, d.length / columns, (from, to) -> {
                for (int base = 0; base < d.length; base += columns) {
                    for (int j = from; j < to; j++) {
                        sums[j] += d[base + j];
                    }
                }
            });
        }
        return sums;
    }

    @Override
    public String chainRule(int input) {
        return switch (input) {
            case 0 -> "D · Wᵀ, D = f′(Y) ⊙ G";
            case 1 -> "Xᵀ · D, D = f′(Y) ⊙ G";
            default -> "Σ_rows D, D = f′(Y) ⊙ G";
        };
    }
}
