package dev.gradflow.core.kernels;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Gemm} through netlib-blas ({@code dev.ludovic.netlib:blas}, the BLAS binding Apache Spark uses): either
 * the system's native BLAS, reached through the JNI shim bundled in netlib's jar, or netlib's pure-Java BLAS.
 *
 * <p>BLAS is column-major. A row-major array read as column-major is the transpose of the matrix it holds, so the
 * row-major product {@code C = op(A)·op(B)} is computed as the column-major product {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}:
 * B is passed first and A second, each with its own transpose flag, and nothing is copied.
 */
public final class NetlibGemm implements Gemm {
    private final BLAS blas;
    private final String name;
    private final List<String> nativeLibraries;

    private NetlibGemm(BLAS blas, String name, List<String> nativeLibraries) {
        this.blas = blas;
        this.name = name;
        this.nativeLibraries = nativeLibraries;
    }

    /**
     * netlib's native BLAS: the library named by the system property {@code dev.ludovic.netlib.blas.nativeLibPath}
     * (a path) or {@code dev.ludovic.netlib.blas.nativeLib} (a name for the dynamic linker), else
     * {@code libblas.so.3}.
     *
     * @throws IllegalStateException when netlib could not load a native BLAS
     */
    public static NetlibGemm nativeBlas() {
        NativeBLAS blas;
        try {
            blas = NativeBLAS.getInstance();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("netlib-blas found no native BLAS (" + e.getMessage() + ")", e);
        }
        List<String> libraries = NativeLibraries.blasLibrariesInUse();
        return new NetlibGemm(blas, "netlib-native " + blas.getClass().getSimpleName()
                + (libraries.isEmpty() ? "" : " → " + String.join(", ", libraries)), libraries);
    }

    /**
     * netlib's pure-Java BLAS, on one thread: {@code VectorBLAS} when the JVM runs with {@code --add-modules
     * jdk.incubator.vector}, {@code Java11BLAS} otherwise. Both block and pack products with m·n·k ≥ 100³ and
     * use unrolled FMA loops for smaller ones; VectorBLAS computes the packed blocks with the Vector API, which made
     * those products 3 to 5 times faster on the machine the choice was measured on.
     */
    public static NetlibGemm javaBlas() {
        JavaBLAS blas = JavaBLAS.getInstance();
        return new NetlibGemm(blas, "netlib-java " + blas.getClass().getSimpleName(), List.of());
    }

    /**
     * The files of the native BLAS this process mapped (Linux only), empty for the Java BLAS or when it cannot be
     * told.
     */
    public List<String> nativeLibraries() {
        return nativeLibraries;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GemmDescription description() {
        if (blas instanceof JavaBLAS) {
            return new GemmDescription("netlib-java", blas.getClass().getSimpleName(), 1);
        }
        // A system BLAS picks its own thread count (OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, ...): 0, unknown.
        return new GemmDescription("netlib-native", nativeLibraries.isEmpty() ? blas.getClass().getSimpleName()
                : String.join(", ", nativeLibraries), 0);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // BLAS rejects a leading dimension of 0, and netlib's bounds checks reject k = 0 outright.
            Arrays.fill(c, 0, m * n, 0.0);
            return;
        }
        blas.dgemm(flag(transB), flag(transA), n, m, k, 1.0, b, transB ? k : n, a, transA ? m : k, 0.0, c, n);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, 0, m * n, 0.0f);
            return;
        }
        blas.sgemm(flag(transB), flag(transA), n, m, k, 1.0f, b, transB ? k : n, a, transA ? m : k, 0.0f, c, n);
    }

    private static String flag(boolean transpose) {
        return transpose ? "T" : "N";
    }

    @Override
    public String toString() {
        return name;
    }
}
