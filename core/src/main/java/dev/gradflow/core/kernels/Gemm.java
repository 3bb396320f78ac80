package dev.gradflow.core.kernels;

/**
 * General matrix product on row-major arrays, {@code C = op(A)·op(B)}, where {@code op(X)} is X or Xᵀ. This is
 * BLAS {@code ?gemm} with α = 1 and β = 0, restated for row-major storage so that callers never think about
 * leading dimensions: every matrix is dense and its rows are contiguous.
 *
 * <p>Shapes: op(A) is [m, k] and op(B) is [k, n], so A is stored as [m, k], or as [k, m] when {@code transA};
 * B as [k, n], or as [n, k] when {@code transB}; C is [m, n]. A transposed operand is read in place, never copied.
 *
 * <p>Implementations are stateless and safe to call from several threads at once. For one implementation, one
 * machine and one configuration (for native BLAS: the same library, core type and thread count), equal inputs
 * give bit-identical outputs: no implementation splits a sum over k across threads.
 */
public interface Gemm {
    /** Which implementation this is, for logs and benchmark reports, e.g. {@code netlib-native (JNIBLAS)}. */
    String name();

    /**
     * {@code C = op(A)·op(B)} in float64.
     *
     * @param transA whether A is stored transposed, as [k, m]
     * @param transB whether B is stored transposed, as [n, k]
     * @param m rows of C, at least 0
     * @param n columns of C, at least 0
     * @param k the summed dimension, at least 0; when it is 0, C is all zeros
     * @param a A, row-major, length m·k. Not modified.
     * @param b B, row-major, length k·n. Not modified.
     * @param c C, row-major, length m·n. Modified: overwritten with the product, whatever it held.
     */
    void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c);

    /**
     * {@code C = op(A)·op(B)} in float32: products and sums are float32 operations.
     *
     * @param transA whether A is stored transposed, as [k, m]
     * @param transB whether B is stored transposed, as [n, k]
     * @param m rows of C, at least 0
     * @param n columns of C, at least 0
     * @param k the summed dimension, at least 0; when it is 0, C is all zeros
     * @param a A, row-major, length m·k. Not modified.
     * @param b B, row-major, length k·n. Not modified.
     * @param c C, row-major, length m·n. Modified: overwritten with the product, whatever it held.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c);

    /**
     * This implementation as a service would publish it (metric tag, info endpoint). The default names it and
     * calls it single-threaded, which is right for the pure-Java implementations.
     */
    default GemmDescription description() {
        return new GemmDescription(name(), "", 1);
    }

    /**
     * Runs two independent products, each a call of this gemm (a dense layer's {@code G·Wᵀ} and {@code Xᵀ·G}), and
     * returns when both are done. An implementation with threads may run them at the same time; the default runs
     * them one after the other, which is right for the single-threaded implementations. Which thread runs which
     * product must not change any result.
     *
     * @param multiplyAdds m·n·k of the smaller of the two, which says whether running them at once pays
     * @param first a product; an exception it throws is rethrown after both ended
     * @param second the other product, which writes no memory the first reads or writes
     */
    default void both(long multiplyAdds, Runnable first, Runnable second) {
        first.run();
        second.run();
    }
}
