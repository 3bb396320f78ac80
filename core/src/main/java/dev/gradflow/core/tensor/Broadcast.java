package dev.gradflow.core.tensor;

import java.util.function.DoubleBinaryOperator;

/**
 * NumPy-style broadcasting for elementwise binary ops, and its adjoint, the reduction of a gradient back to the
 * shape of a broadcast input. See the package documentation for the rule.
 *
 * <p>The output is walked in <em>runs</em>: stretches of the last axis along which each operand either advances
 * by one element or stays put (it was stretched along that axis). A run is one plain loop over one dtype's arrays,
 * so the arithmetic of {@link Arithmetic} never costs a call per element.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * The elementwise binary operations with a kernel of their own. In float32 each is one IEEE float32 operation,
     * which equals computing in float64 and rounding once (see {@link Tensor}).
     */
    public enum Arithmetic {
        ADD, SUB, MUL, DIV, MAX, MIN;

        /** {@code out[oi + i] = a[ai + i·sa] ∘ b[bi + i·sb]} for i in [0, n). a, b: Not modified; out: Modified. */
        void run(double[] a, int ai, int sa, double[] b, int bi, int sb, double[] out, int oi, int n) {
            switch (this) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] + b[bi + i * sb];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] - b[bi + i * sb];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] * b[bi + i * sb];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] / b[bi + i * sb];
                    }
                }
                case MAX -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = Math.max(a[ai + i * sa], b[bi + i * sb]);
                    }
                }
                case MIN -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = Math.min(a[ai + i * sa], b[bi + i * sb]);
                    }
                }
                default -> throw new IllegalStateException("unhandled " + this);
            }
        }

        /** The float32 twin of {@link #run(double[], int, int, double[], int, int, double[], int, int)}. */
        void run(float[] a, int ai, int sa, float[] b, int bi, int sb, float[] out, int oi, int n) {
            switch (this) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] + b[bi + i * sb];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] - b[bi + i * sb];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] * b[bi + i * sb];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = a[ai + i * sa] / b[bi + i * sb];
                    }
                }
                case MAX -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = Math.max(a[ai + i * sa], b[bi + i * sb]);
                    }
                }
                case MIN -> {
                    for (int i = 0; i < n; i++) {
                        out[oi + i] = Math.min(a[ai + i * sa], b[bi + i * sb]);
                    }
                }
                default -> throw new IllegalStateException("unhandled " + this);
            }
        }
    }

    /**
     * The broadcast shape of {@code a} and {@code b}, or {@code null} when they are incompatible. Works on declared
     * shapes too: {@link Shapes#ANY} lines up with itself and with 1.
     */
    public static int[] shape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] result = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                result[i] = da;
            } else if (da == 1) {
                result[i] = db;
            } else {
                return null;
            }
        }
        return result;
    }

    /**
     * {@code out[i] = a[i'] ∘ b[i'']} over the broadcast shape of {@code a} and {@code b}, in their common dtype.
     *
     * @throws IllegalArgumentException when the shapes do not broadcast or the dtypes differ
     */
    public static Tensor apply(Tensor a, Tensor b, Arithmetic op) {
        Runs runs = Runs.of(a, b);
        if (a.dtype() == DType.FLOAT64) {
            double[] ad = a.doubles();
            double[] bd = b.doubles();
            double[] out = new double[runs.size];
            for (int r = 0; r < runs.count; r++) {
                op.run(ad, runs.aStart[r], runs.aStep, bd, runs.bStart[r], runs.bStep, out, r * runs.length,
                        runs.length);
            }
            return Tensor.ofDoubles(runs.outShape, out);
        }
        float[] af = a.floats();
        float[] bf = b.floats();
        float[] out = new float[runs.size];
        for (int r = 0; r < runs.count; r++) {
            op.run(af, runs.aStart[r], runs.aStep, bf, runs.bStart[r], runs.bStep, out, r * runs.length,
                    runs.length);
        }
        return Tensor.ofFloats(runs.outShape, out);
    }

    /**
     * {@code out[i] = formula(a[i'], b[i''])} over the broadcast shape, evaluated in float64 and rounded once for
     * float32. This is the general path, one call per element: the rarely used backward rules (div, max, min) use
     * it; every hot kernel is a plain loop.
     *
     * @throws IllegalArgumentException when the shapes do not broadcast or the dtypes differ
     */
    public static Tensor applyFormula(Tensor a, Tensor b, DoubleBinaryOperator formula) {
        Runs runs = Runs.of(a, b);
        double[] ad = a.readDoubles();
        double[] bd = b.readDoubles();
        double[] out = new double[runs.size];
        for (int r = 0; r < runs.count; r++) {
            int ai = runs.aStart[r];
            int bi = runs.bStart[r];
            int oi = r * runs.length;
            for (int i = 0; i < runs.length; i++) {
                out[oi + i] = formula.applyAsDouble(ad[ai + i * runs.aStep], bd[bi + i * runs.bStep]);
            }
        }
        return Tensor.of(a.dtype(), runs.outShape, out);
    }

    /**
     * Sums {@code gradient} (shaped like a broadcast output) over every axis that {@code shape} was stretched
     * along, giving a tensor of exactly {@code shape}. The identity when the shapes already match. Sums accumulate
     * in float64, in row-major order, and float32 results are rounded once.
     */
    public static Tensor reduceTo(Tensor gradient, int[] shape) {
        if (gradient.hasShape(shape)) {
            return gradient;
        }
        double[] out = new double[Shapes.size(shape)];
        int[] index = out.length == 1 ? null : sourceIndex(shape, gradient.shape());
        if (gradient.dtype() == DType.FLOAT64) {
            double[] g = gradient.doubles();
            if (index == null) {
                double sum = 0;
                for (double v : g) {
                    sum += v;
                }
                out[0] = sum;
            } else {
                for (int i = 0; i < g.length; i++) {
                    out[index[i]] += g[i];
                }
            }
        } else {
            float[] g = gradient.floats();
            if (index == null) {
                double sum = 0;
                for (float v : g) {
                    sum += v;
                }
                out[0] = sum;
            } else {
                for (int i = 0; i < g.length; i++) {
                    out[index[i]] += g[i];
                }
            }
        }
        return Tensor.of(gradient.dtype(), shape, out);
    }

    /**
     * How {@link #apply} walks the output: {@code count} runs of {@code length} elements; run r reads a from
     * {@code aStart[r]} stepping by {@code aStep} (1, or 0 when a is stretched along the run), and b likewise.
     */
    private record Runs(int[] outShape, int size, int count, int length, int[] aStart, int aStep, int[] bStart,
            int bStep) {
        static Runs of(Tensor a, Tensor b) {
            int[] outShape = shape(a.shape(), b.shape());
            if (outShape == null) {
                throw new IllegalArgumentException("shapes " + Shapes.format(a.shape()) + " and "
                        + Shapes.format(b.shape()) + " do not broadcast");
            }
            if (a.dtype() != b.dtype()) {
                throw new IllegalArgumentException("dtypes differ: " + a.dtype().label() + " and "
                        + b.dtype().label());
            }
            int size = Shapes.size(outShape);
            int[] zero = {0};
            if (a.size() == size && b.size() == size) {
                return new Runs(outShape, size, 1, size, zero, 1, zero, 1);
            }
            if (b.size() == 1 && a.size() == size) {
                return new Runs(outShape, size, 1, size, zero, 1, zero, 0);
            }
            if (a.size() == 1 && b.size() == size) {
                return new Runs(outShape, size, 1, size, zero, 0, zero, 1);
            }
            int rank = outShape.length;
            int length = outShape[rank - 1];
            if (length == 0) {
                return new Runs(outShape, 0, 0, 0, zero, 1, zero, 1);
            }
            int[] outRows = java.util.Arrays.copyOf(outShape, rank - 1);
            int aLast = a.rank() == 0 ? 1 : a.dim(a.rank() - 1);
            int bLast = b.rank() == 0 ? 1 : b.dim(b.rank() - 1);
            int[] aStart = rowStarts(a.shape(), outRows, aLast);
            int[] bStart = rowStarts(b.shape(), outRows, bLast);
            return new Runs(outShape, size, size / length, length, aStart, aLast == 1 ? 0 : 1, bStart,
                    bLast == 1 ? 0 : 1);
        }

        private static int[] rowStarts(int[] source, int[] outRows, int last) {
            int[] sourceRows = source.length == 0 ? source : java.util.Arrays.copyOf(source, source.length - 1);
            int[] starts = sourceIndex(sourceRows, outRows);
            for (int i = 0; i < starts.length; i++) {
                starts[i] *= last;
            }
            return starts;
        }
    }

    /** For each element of {@code outShape}, the flat index of the element of {@code source} it reads. */
    private static int[] sourceIndex(int[] source, int[] outShape) {
        int rank = outShape.length;
        int offset = rank - source.length;
        int[] sourceStrides = Shapes.strides(source);
        int[] stride = new int[rank];
        for (int i = 0; i < source.length; i++) {
            stride[i + offset] = source[i] == 1 ? 0 : sourceStrides[i];
        }
        int size = Shapes.size(outShape);
        int[] result = new int[size];
        int[] counter = new int[rank];
        int position = 0;
        for (int i = 0; i < size; i++) {
            result[i] = position;
            for (int axis = rank - 1; axis >= 0; axis--) {
                counter[axis]++;
                position += stride[axis];
                if (counter[axis] < outShape[axis]) {
                    break;
                }
                position -= stride[axis] * counter[axis];
                counter[axis] = 0;
            }
        }
        return result;
    }
}
