package dev.gradflow.benchmarks;

import dev.gradflow.core.kernels.Gemm;
import dev.gradflow.core.kernels.LoopGemm;
import dev.gradflow.core.kernels.NetlibGemm;
import dev.gradflow.core.kernels.OpenBlasGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The raw products a Dense layer needs, per implementation, on {@code float[]} or {@code double[]} directly (no
 * dtype conversion): {@code NN} is the forward {@code X·W}, {@code TN} the weight gradient {@code Xᵀ·G}, {@code NT}
 * the input gradient {@code G·Wᵀ}, for X [batch, in], W [in, out] and G [batch, out]. Each costs
 * 2·batch·in·out floating-point operations; one benchmark operation is one product.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBenchmark {
    /** batch x in x out of the Dense layer. */
    @Param({"256x784x256", "512x1024x1024", "256x128x10", "300x64x3"})
    public String layer;

    @Param({"float64", "float32"})
    public String dtype;

    @Param({"NN", "TN", "NT"})
    public String product;

    /**
     * {@code openblas} is the bundled OpenBLAS as {@code auto} uses it; {@code openblas-arrays} and
     * {@code openblas-pointers} send every product to it through one data route each (see
     * {@link OpenBlasGemm.Transfer}), and {@code openblas-pointers-1t} does so on one thread (no row blocks).
     */
    @Param({"openblas", "openblas-arrays", "openblas-pointers", "openblas-pointers-1t", "netlib-native",
        "netlib-java", "f2j", "ejml", "ejml-mt", "loops"})
    public String impl;

    private Gemm gemm;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private double[] da;
    private double[] db;
    private double[] dc;
    private float[] fa;
    private float[] fb;
    private float[] fc;
    private boolean single;

    /** The implementation a benchmark parameter names. */
    static Gemm implementation(String name) {
        return switch (name) {
            case "openblas" -> OpenBlasGemm.load();
            case "openblas-arrays" -> OpenBlasGemm.load(OpenBlasGemm.Transfer.ARRAYS, 0, LoopGemm.INSTANCE);
            case "openblas-pointers" -> OpenBlasGemm.load(OpenBlasGemm.Transfer.POINTERS, 0, LoopGemm.INSTANCE);
            case "openblas-pointers-1t" -> {
                // OpenBLAS's thread count is process-wide and set when it loads; each JMH fork is a fresh JVM.
                System.setProperty(OpenBlasGemm.THREADS_PROPERTY, "1");
                yield OpenBlasGemm.load(OpenBlasGemm.Transfer.POINTERS, 0, LoopGemm.INSTANCE);
            }
            case "netlib-native" -> NetlibGemm.nativeBlas();
            case "netlib-java" -> NetlibGemm.javaBlas();
            case "f2j" -> new F2jGemm();
            case "ejml" -> new EjmlGemm(false);
            case "ejml-mt" -> new EjmlGemm(true);
            case "loops" -> LoopGemm.INSTANCE;
            default -> throw new IllegalArgumentException("unknown implementation " + name);
        };
    }

    @Setup
    public void setUp(BenchmarkParams params) {
        gemm = implementation(impl);
        System.out.println("# gemm implementation: " + gemm.name());
        Labels.record(params, gemm.name());

        String[] sizes = layer.split("x");
        int batch = Integer.parseInt(sizes[0]);
        int in = Integer.parseInt(sizes[1]);
        int out = Integer.parseInt(sizes[2]);
        SplittableRandom random = new SplittableRandom(42);
        double[] x = values(random, batch * in);
        double[] w = values(random, in * out);
        double[] g = values(random, batch * out);
        switch (product) {
            case "NN" -> set(false, false, batch, out, in, x, w);
            case "TN" -> set(true, false, in, out, batch, x, g);
            case "NT" -> set(false, true, batch, in, out, g, w);
            default -> throw new IllegalArgumentException("unknown product " + product);
        }
        single = dtype.equals("float32");
        fa = narrow(da);
        fb = narrow(db);
        dc = new double[m * n];
        fc = new float[m * n];
    }

    private void set(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.da = a;
        this.db = b;
    }

    @Benchmark
    public Object multiply() {
        if (single) {
            gemm.sgemm(transA, transB, m, n, k, fa, fb, fc);
            return fc;
        }
        gemm.dgemm(transA, transB, m, n, k, da, db, dc);
        return dc;
    }

    private static double[] values(SplittableRandom random, int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }

    private static float[] narrow(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
