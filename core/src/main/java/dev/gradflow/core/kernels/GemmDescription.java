package dev.gradflow.core.kernels;

/**
 * What computes the dense products, in a form a service can publish: low-cardinality values fit for a metric tag
 * and an info endpoint. It is fixed for the life of the process.
 *
 * @param implementation the kind, one of {@code openblas} (bundled OpenBLAS), {@code netlib-native} (a system
 *     BLAS through netlib), {@code netlib-java}, {@code loops}, or another {@link Gemm}'s name
 * @param library the library and version, e.g. {@code OpenBLAS 0.3.31 (bytedeco 1.5.13, DYNAMIC_ARCH)}, the
 *     class of netlib's Java BLAS, or the file of a system BLAS; "" when there is nothing to say
 * @param threads threads one product may use: 1 for the Java paths, OpenBLAS's thread count for the bundled
 *     library, 0 when it cannot be told (a system BLAS decides for itself)
 */
public record GemmDescription(String implementation, String library, int threads) {
}
