package dev.gradflow.core.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.MatrixKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every product, dtype and implementation against a naive triple loop in float64, on awkward sizes. The pure-Java
 * implementations are tested by name, so they are covered whether or not this machine has a native BLAS; the
 * bundled OpenBLAS is tested wherever it loads, and must load on linux-x86_64 (where CI runs, on fresh machines
 * with no BLAS installed); a system BLAS through netlib is tested when one is installed.
 *
 * <p>The build runs this class twice: as is, and with {@code -Dgradflow.gemm=java} (see core/pom.xml), so that
 * both the default choice and the explicit pure-Java one are exercised as the process-wide choice.
 */
class DenseProductsTest {
    /** [m, k, n] of the product C [m, n] = op(A) [m, k] · op(B) [k, n]. */
    private static final int[][] SIZES = {
        {1, 1, 1}, {3, 5, 2}, {17, 33, 9}, {2, 1, 3}, {1, 7, 1}, {9, 4, 1}, {40, 67, 31}, {130, 120, 110},
        {257, 3, 129}, {1, 300, 1}, {211, 301, 97}, {33, 2000, 40}, {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {0, 0, 0},
    };

    /** The float64 bound on |C − C_exact| relative to Σ|A||B|: a few units in the last place, whatever the order. */
    private static final double FLOAT64_TOLERANCE = 1e-12;
    /** The float32 bound, for sums of up to a few hundred terms rounded to 24 bits. */
    private static final double FLOAT32_TOLERANCE = 1e-5;

    enum Product {
        MULTIPLY, TRANS_A, TRANS_B
    }

    static Stream<Gemm> implementations() {
        List<Gemm> gemms = new ArrayList<>(List.of(LoopGemm.INSTANCE, NetlibGemm.javaBlas(), Gemms.active()));
        nativeGemm().ifPresent(gemms::add);
        if (bundledOpenBlasExpected() || openBlas().isPresent()) {
            // As auto uses it (small products on the Java path), and every product on OpenBLAS by each route.
            gemms.add(OpenBlasGemm.load());
            gemms.add(OpenBlasGemm.load(OpenBlasGemm.Transfer.POINTERS, 0, LoopGemm.INSTANCE));
            gemms.add(OpenBlasGemm.load(OpenBlasGemm.Transfer.ARRAYS, 0, LoopGemm.INSTANCE));
        }
        return gemms.stream();
    }

    /** Whether this is a platform gradflow bundles OpenBLAS for and CI runs on, so that it must load. */
    private static boolean bundledOpenBlasExpected() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static Optional<OpenBlasGemm> openBlas() {
        try {
            return Optional.of(OpenBlasGemm.load());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    static Stream<Arguments> cases() {
        return implementations().flatMap(gemm -> Stream.of(DType.values()).flatMap(dtype ->
                Stream.of(Product.values()).flatMap(product ->
                        Stream.of(SIZES).map(size -> Arguments.of(gemm, dtype, product, size[0], size[1], size[2])))));
    }

    private static Optional<Gemm> nativeGemm() {
        try {
            return Optional.of(NetlibGemm.nativeBlas());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} m={3} k={4} n={5}")
    @MethodSource("cases")
    void matchesANaiveTripleLoop(Gemm gemm, DType dtype, Product product, int m, int k, int n) {
        Operands operands = Operands.random(dtype, product, m, k, n, 31L * m + 7L * k + n);
        double[] c = compute(new DenseProducts(gemm), dtype, product, operands, m, k, n);

        assertThat(c).hasSize(m * n);
        assertMatchesLoops("C", c, dtype, m, n, k, operands::opA, operands::opB);
    }

    /** One element of a matrix, by row and column. */
    private interface Entry {
        double at(int row, int column);
    }

    /**
     * Checks C [rows, columns] against {@code Σ_p left(i, p)·right(p, j)} over {@code p < inner}, to the dtype's
     * tolerance relative to the sum of the terms' magnitudes; in float32 every element must be a float32 value.
     */
    private static void assertMatchesLoops(String name, double[] c, DType dtype, int rows, int columns, int inner,
            Entry left, Entry right) {
        double tolerance = dtype == DType.FLOAT64 ? FLOAT64_TOLERANCE : FLOAT32_TOLERANCE;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < inner; p++) {
                    double term = left.at(i, p) * right.at(p, j);
                    exact += term;
                    magnitude += Math.abs(term);
                }
                double actual = c[i * columns + j];
                assertThat(Math.abs(actual - exact))
                        .as("%s %s[%d, %d] = %s, exact %s", dtype, name, i, j, actual, exact)
                        .isLessThanOrEqualTo(tolerance * magnitude);
                if (dtype == DType.FLOAT32) {
                    assertThat((double) (float) actual).as("%s[%d, %d] is a float32 value", name, i, j)
                            .isEqualTo(actual);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void theSameInputsGiveBitIdenticalResults(Gemm gemm) {
        // Large enough for a threaded native BLAS to split the work among threads.
        int m = 300;
        int k = 257;
        int n = 190;
        DenseProducts products = new DenseProducts(gemm);
        for (DType dtype : DType.values()) {
            for (Product product : Product.values()) {
                Operands first = Operands.random(dtype, product, m, k, n, 42);
                Operands second = Operands.random(dtype, product, m, k, n, 42);
                double[] expected = compute(products, dtype, product, first, m, k, n);
                for (int run = 0; run < 3; run++) {
                    double[] again = compute(products, dtype, product, second, m, k, n);
                    assertThat(bits(again)).as("%s %s run %d", dtype, product, run).isEqualTo(bits(expected));
                }
                assertThat(first.a).as("A is not modified").isEqualTo(second.a);
                assertThat(first.b).as("B is not modified").isEqualTo(second.b);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void overwritesWhateverTheOutputHeld(Gemm gemm) {
        double[] c = {99, 99, 99, 99};
        gemm.dgemm(false, false, 2, 2, 1, new double[] {1, 2}, new double[] {3, 4}, c);
        assertThat(c).containsExactly(3, 4, 6, 8);
        float[] f = {99, 99, 99, 99};
        gemm.sgemm(true, true, 2, 2, 0, new float[0], new float[0], f);
        assertThat(f).containsExactly(0, 0, 0, 0);
    }

    @Test
    void theProcessWideChoiceIsNamed() {
        assertThat(MatrixKernels.implementation()).isEqualTo(Gemms.active().name()).isNotBlank();
        String choice = System.getProperty(Gemms.PROPERTY);
        assertThat(MatrixKernels.implementation()).isEqualTo(Gemms.select(choice == null ? "auto" : choice).name());
        if ("java".equals(choice)) {
            assertThat(Gemms.active().name()).startsWith("netlib-java");
            assertThat(Gemms.activeDescription()).isEqualTo(new GemmDescription("netlib-java",
                    Gemms.active().name().substring("netlib-java ".length()), 1));
        }
    }

    @Test
    void autoUsesTheBundledOpenBlasOnLinuxX8664() {
        assumeThat(bundledOpenBlasExpected()).as("linux-x86_64").isTrue();
        Gemm auto = Gemms.select("auto");
        assertThat(auto)
                .as("on linux-x86_64, gradflow.gemm=auto must pick the OpenBLAS bundled in org.bytedeco:openblas's "
                        + "linux-x86_64 jar, but it picked %s; is that jar on the class path, and can JavaCPP write "
                        + "its cache (-Dorg.bytedeco.javacpp.cachedir)? Loading it directly says: %s",
                        auto.name(), loadFailure())
                .isInstanceOf(OpenBlasGemm.class);
        assertThat(Gemms.select("openblas")).isInstanceOf(OpenBlasGemm.class);
        if (System.getProperty(Gemms.PROPERTY) == null) {
            assertThat(Gemms.active()).isInstanceOf(OpenBlasGemm.class);
            assertThat(Gemms.activeDescription().implementation()).isEqualTo("openblas");
        }

        OpenBlasGemm openBlas = (OpenBlasGemm) auto;
        assertThat(openBlas.name()).startsWith("openblas 0.3.31, ").contains("libopenblas");
        assertThat(openBlas.transfer()).isEqualTo(OpenBlasGemm.DEFAULT_TRANSFER);
        assertThat(openBlas.smallProducts()).isEqualTo(OpenBlasGemm.DEFAULT_SMALL_PRODUCTS);
        GemmDescription description = openBlas.description();
        assertThat(description.implementation()).isEqualTo("openblas");
        assertThat(description.library()).startsWith("OpenBLAS 0.3.31 (bytedeco 1.5.13, linux-x86_64");
        assertThat(description.threads()).isPositive();
    }

    private static String loadFailure() {
        try {
            return OpenBlasGemm.load().name() + " loads";
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    @Test
    void eachChoiceSelectsItsImplementationOrAFallback() {
        assertThat(Gemms.select("loops")).isSameAs(LoopGemm.INSTANCE);
        assertThat(Gemms.select("java").name()).startsWith("netlib-java");
        assertThat(Gemms.select(" Java ").name()).startsWith("netlib-java");
        assertThat(Gemms.select("java").description().threads()).isEqualTo(1);
        Optional<Gemm> nativeGemm = nativeGemm();
        assertThat(Gemms.select("native").name()).startsWith(nativeGemm.isPresent() ? "netlib-native" : "netlib-java");
        boolean tuned = nativeGemm.isPresent() && (((NetlibGemm) nativeGemm.get()).nativeLibraries().isEmpty()
                || NativeLibraries.anyOptimised(((NetlibGemm) nativeGemm.get()).nativeLibraries()));
        boolean bundled = openBlas().isPresent();
        assertThat(Gemms.select("openblas").name()).startsWith(bundled ? "openblas" : "netlib-java");
        assertThat(Gemms.select("auto").name())
                .startsWith(bundled ? "openblas" : tuned ? "netlib-native" : "netlib-java");
        assertThatThrownBy(() -> Gemms.select("cuda"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected auto, openblas, native, java or loops");
    }

    @Test
    void smallProductsTakeTheJavaPathByShapeAlone() {
        Optional<OpenBlasGemm> openBlas = openBlas();
        assumeThat(openBlas).as("the bundled OpenBLAS loads").isPresent();
        // A Java path that marks its output, so the test sees which path ran.
        Gemm marker = new Gemm() {
            @Override
            public String name() {
                return "marker";
            }

            @Override
            public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b,
                    double[] c) {
                Arrays.fill(c, -1);
            }

            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
                Arrays.fill(c, -1);
            }
        };
        OpenBlasGemm gemm = OpenBlasGemm.load(OpenBlasGemm.DEFAULT_TRANSFER, 1000, marker);
        // 10·10·9 = 900 multiply-adds: below the threshold, Java path.
        double[] small = new double[100];
        gemm.dgemm(false, false, 10, 10, 9, new double[90], new double[90], small);
        assertThat(small).containsOnly(-1);
        // 10·10·10 = 1000: at the threshold, OpenBLAS.
        float[] large = new float[100];
        gemm.sgemm(true, true, 10, 10, 10, new float[100], new float[100], large);
        assertThat(large).containsOnly(0);
        assertThat(gemm.name()).contains("below 1000 multiply-adds marker");
    }

    @Test
    void everyRouteToOpenBlasAndEveryThreadGivesTheSameBits() throws Exception {
        Optional<OpenBlasGemm> openBlas = openBlas();
        assumeThat(openBlas).as("the bundled OpenBLAS loads").isPresent();
        // Below the split threshold both routes make the same single OpenBLAS call.
        int smallM = 61;
        int smallK = 131;
        int smallN = 97;
        assertThat((long) smallM * smallK * smallN).isLessThan(OpenBlasGemm.SPLIT_PRODUCTS);
        // Above it the pointer route splits C's rows among the team's threads (the arrays route never does).
        int m = 211;
        int k = 301;
        int n = 97;
        assertThat((long) m * k * n).isGreaterThanOrEqualTo(OpenBlasGemm.SPLIT_PRODUCTS);
        Gemm pointers = OpenBlasGemm.load(OpenBlasGemm.Transfer.POINTERS, 0, LoopGemm.INSTANCE);
        Gemm arrays = OpenBlasGemm.load(OpenBlasGemm.Transfer.ARRAYS, 0, LoopGemm.INSTANCE);
        for (DType dtype : DType.values()) {
            for (Product product : Product.values()) {
                Operands small = Operands.random(dtype, product, smallM, smallK, smallN, 7);
                assertThat(bits(compute(new DenseProducts(arrays), dtype, product, small, smallM, smallK, smallN)))
                        .as("%s %s, arrays against pointers", dtype, product)
                        .isEqualTo(bits(compute(new DenseProducts(pointers), dtype, product, small, smallM, smallK,
                                smallN)));
                Operands operands = Operands.random(dtype, product, m, k, n, 5);
                long[] expectedPointers = bits(compute(new DenseProducts(pointers), dtype, product, operands, m, k, n));
                long[] expectedArrays = bits(compute(new DenseProducts(arrays), dtype, product, operands, m, k, n));
                // Several callers at once, each with its own off-heap buffers, competing for the team's helpers
                // (a caller that finds a helper busy runs that block itself) and for OpenBLAS's buffers.
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<double[]>> results = new ArrayList<>();
                    for (int task = 0; task < 8; task++) {
                        Gemm gemm = task % 2 == 0 ? pointers : arrays;
                        results.add(pool.submit(() -> compute(new DenseProducts(gemm), dtype, product, operands, m,
                                k, n)));
                    }
                    for (int task = 0; task < results.size(); task++) {
                        assertThat(bits(results.get(task).get())).as("%s %s, concurrent", dtype, product)
                                .isEqualTo(task % 2 == 0 ? expectedPointers : expectedArrays);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    /**
     * {@link DenseProducts#productGradients}: G·Bᵀ and Aᵀ·G against triple loops, on a shape below and one above
     * the size at which OpenBLAS runs the two products at once; the same bits on every call, also from several
     * callers at once competing for the team's helpers.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void productGradientsAreTheTwoProductsAndRepeatBitForBit(Gemm gemm) throws Exception {
        DenseProducts products = new DenseProducts(gemm);
        for (int[] shape : new int[][] {{40, 67, 31}, {211, 301, 97}}) {
            int m = shape[0];
            int k = shape[1];
            int n = shape[2];
            for (DType dtype : DType.values()) {
                SplittableRandom random = new SplittableRandom(m + k + n);
                double[] a = Operands.values(random, dtype, m * k);
                double[] b = Operands.values(random, dtype, k * n);
                double[] g = Operands.values(random, dtype, m * n);
                double[][] expected = productGradients(products, dtype, a, b, g, m, k, n);
                // ∂A = G·Bᵀ: ∂A[i, p] = Σ_j G[i, j]·B[p, j]; ∂B = Aᵀ·G: ∂B[p, j] = Σ_i A[i, p]·G[i, j].
                assertMatchesLoops("∂A", expected[0], dtype, m, k, n, (i, j) -> g[i * n + j], (j, p) -> b[p * n + j]);
                assertMatchesLoops("∂B", expected[1], dtype, k, n, m, (p, i) -> a[i * k + p], (i, j) -> g[i * n + j]);
                ExecutorService pool = Executors.newFixedThreadPool(3);
                try {
                    List<Future<double[][]>> results = new ArrayList<>();
                    for (int task = 0; task < 6; task++) {
                        results.add(pool.submit(() -> productGradients(products, dtype, a, b, g, m, k, n)));
                    }
                    for (Future<double[][]> result : results) {
                        double[][] again = result.get();
                        assertThat(bits(again[0])).as("∂A %s %dx%dx%d", dtype, m, k, n).isEqualTo(bits(expected[0]));
                        assertThat(bits(again[1])).as("∂B %s %dx%dx%d", dtype, m, k, n).isEqualTo(bits(expected[1]));
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static double[][] productGradients(DenseProducts products, DType dtype, double[] a, double[] b,
            double[] g, int m, int k, int n) {
        if (dtype == DType.FLOAT64) {
            return products.productGradients(a, b, g, m, k, n);
        }
        float[][] both = products.productGradients(narrow(a), narrow(b), narrow(g), m, k, n);
        double[][] wide = new double[2][];
        for (int c = 0; c < 2; c++) {
            wide[c] = new double[both[c].length];
            for (int i = 0; i < both[c].length; i++) {
                wide[c][i] = both[c][i];
            }
        }
        return wide;
    }

    @Test
    void theNativeLibraryInUseIsNamed() {
        Optional<Gemm> gemm = nativeGemm();
        assumeThat(gemm).as("a native BLAS is installed").isPresent();
        assertThat(gemm.get().name()).startsWith("netlib-native JNIBLAS");
        List<String> libraries = ((NetlibGemm) gemm.get()).nativeLibraries();
        if (!libraries.isEmpty()) {
            assertThat(gemm.get().name()).contains(libraries.get(0));
        }
    }

    @Test
    void autoTrustsOnlyBlasLibrariesKnownToBeTuned() {
        assertThat(NativeLibraries.anyOptimised(
                List.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"))).isTrue();
        assertThat(NativeLibraries.anyOptimised(List.of("/opt/intel/oneapi/mkl/lib/libmkl_rt.so.2"))).isTrue();
        assertThat(NativeLibraries.anyOptimised(List.of("/usr/lib/x86_64-linux-gnu/libblis.so.4"))).isTrue();
        assertThat(NativeLibraries.anyOptimised(List.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0")))
                .isFalse();
        assertThat(NativeLibraries.anyOptimised(List.of("/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3")))
                .isFalse();
        assertThat(NativeLibraries.anyOptimised(List.of())).isFalse();
    }

    @Test
    void rejectsArraysThatDoNotMatchTheirShapes() {
        DenseProducts products = new DenseProducts(LoopGemm.INSTANCE);
        assertThatThrownBy(() -> products.multiply(new double[5], new double[6], 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A has 5 elements, shape [2, 3] needs 6");
        assertThatThrownBy(() -> products.multiplyTransA(new float[6], new float[7], 3, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("B has 7 elements, shape [3, 2] needs 6");
        assertThatThrownBy(() -> products.multiplyTransB(new double[0], new double[0], -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> products.multiply(new float[0], new float[0], 65536, 0, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more elements than an array can hold");
        assertThatThrownBy(() -> products.productGradients(new double[6], new double[6], new double[5], 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("G has 5 elements, shape [2, 2] needs 4");
        assertThatThrownBy(() -> products.productGradients(new float[6], new float[5], new float[4], 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("B has 5 elements, shape [3, 2] needs 6");
    }

    /** The product in the dtype's own storage: double[] to dgemm, float[] to sgemm; widened for comparison. */
    private static double[] compute(DenseProducts products, DType dtype, Product product, Operands operands, int m,
            int k, int n) {
        if (dtype == DType.FLOAT64) {
            return switch (product) {
                case MULTIPLY -> products.multiply(operands.a, operands.b, m, k, n);
                case TRANS_A -> products.multiplyTransA(operands.a, operands.b, k, m, n);
                case TRANS_B -> products.multiplyTransB(operands.a, operands.b, m, k, n);
            };
        }
        float[] a = narrow(operands.a);
        float[] b = narrow(operands.b);
        float[] c = switch (product) {
            case MULTIPLY -> products.multiply(a, b, m, k, n);
            case TRANS_A -> products.multiplyTransA(a, b, k, m, n);
            case TRANS_B -> products.multiplyTransB(a, b, m, k, n);
        };
        assertThat(a).as("A is not modified").isEqualTo(narrow(operands.a));
        assertThat(b).as("B is not modified").isEqualTo(narrow(operands.b));
        double[] wide = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            wide[i] = c[i];
        }
        return wide;
    }

    private static float[] narrow(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    private static long[] bits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }

    /** A and B as stored for a product, with accessors for op(A) [m, k] and op(B) [k, n]. */
    private record Operands(Product product, int m, int k, int n, double[] a, double[] b) {
        static Operands random(DType dtype, Product product, int m, int k, int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            return new Operands(product, m, k, n, values(random, dtype, m * k), values(random, dtype, k * n));
        }

        private static double[] values(SplittableRandom random, DType dtype, int count) {
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                // About one in eight exactly zero, as after a ReLU, to exercise the loops' zero skipping.
                double value = random.nextInt(8) == 0 ? 0 : random.nextDouble(-2, 2);
                values[i] = dtype == DType.FLOAT32 ? (float) value : value;
            }
            return values;
        }

        double opA(int i, int p) {
            return product == Product.TRANS_A ? a[p * m + i] : a[i * k + p];
        }

        double opB(int p, int j) {
            return product == Product.TRANS_B ? b[j * k + p] : b[p * n + j];
        }
    }
}
