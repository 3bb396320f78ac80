package dev.gradflow.benchmarks.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.gradflow.benchmarks.Labels;
import dev.gradflow.benchmarks.NetworkCase;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.kernels.Gemms;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What {@link dev.gradflow.benchmarks.EngineBenchmark} times, done by PyTorch (CPU, eager mode) through DJL: the
 * forward pass of Dense layers with ReLU between them and a softmax cross-entropy on class ids, then the backward
 * pass to the gradient of the loss with respect to every weight, every bias and the input x, for one batch.
 *
 * <p>Same network, same batch: the weights and biases are copied from the gradflow network that
 * {@link NetworkCase#compile} builds, and x and y from {@link NetworkCase#feeds}. Setup runs both engines once and
 * fails unless the loss and every gradient agree, so the two benchmarks provably compute the same thing.
 *
 * <p>The check uses gradflow's pure-Java products ({@code gradflow.gemm=java}), so gradflow's OpenBLAS never loads
 * into PyTorch's process (it slowed PyTorch there: {@link #configureEngine}).
 *
 * <p>PyTorch uses as many intra-op threads as the machine has cores ({@code ai.djl.pytorch.num_threads}, set
 * before the engine loads; pass {@code -jvmArgsAppend -Dai.djl.pytorch.num_threads=1} to choose another count). Each operation resets the gradients the way {@code zero_grad(set_to_none=True)} does:
 * the leaves are fresh detached views of the same storage (no copy), so the backward pass allocates new gradients
 * rather than adding into last operation's, as gradflow does. DJL's own per-array bookkeeping is part of the time,
 * as it is for anyone calling PyTorch from Java.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PyTorchBenchmark {
    /** The PyTorch release inside the {@code pytorch-native-cpu} jar; DJL must be told it to run offline. */
    static final String PYTORCH_VERSION = "2.7.1";
    /** DJL's setting for PyTorch's intra-op thread count; this benchmark sets it to the core count unless given. */
    static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    /** A {@link NetworkCase}: layer widths, then the batch size. The same values as EngineBenchmark's. */
    @Param({"784-256-128-10/256", "1024-1024-1024-10/512", "2-64-3/300"})
    public String network;

    @Param({"float32", "float64"})
    public String dtype;

    private NDManager manager;
    private NDArray x;
    private NDArray classIds;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> biases = new ArrayList<>();

    @Setup
    public void setUp(BenchmarkParams params) {
        configureEngine();
        NetworkCase networkCase = NetworkCase.parse(network);
        DType type = DType.fromLabel(dtype);
        CompiledGraph graph = networkCase.compile(type);
        Map<String, Tensor> feeds = networkCase.feeds(type, 42);

        manager = NDManager.newBaseManager("PyTorch");
        x = array(feeds.get("x"));
        double[] ids = feeds.get("y").toDoubleArray();
        long[] idColumn = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            idColumn[i] = (long) ids[i];
        }
        classIds = manager.create(idColumn, new Shape(ids.length, 1));
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        for (GraphNode node : graph.nodes()) {
            if (node.kind() == NodeKind.PARAMETER) {
                parameters.put(node.name(), node.value());
            }
        }
        for (int layer = 1; layer < networkCase.widths().length; layer++) {
            weights.add(array(parameters.get("dense" + layer + ".weights")));
            biases.add(array(parameters.get("dense" + layer + ".biases")));
        }
        String ranAs = "PyTorch " + manager.getEngine().getVersion() + " through DJL " + Engine.getDjlVersion() + ", "
                + JniUtils.getNumThreads() + " intra-op threads";
        System.out.println("# " + ranAs);
        Labels.record(params, ranAs);
        checkAgainstGradflow(BackwardPass.run(ForwardPass.record(graph, feeds)), type);
    }

    /**
     * Offline (the native library is on the class path, nothing is downloaded) and, unless told otherwise, one
     * intra-op thread per core.
     * Must run before the engine's first use, which is when DJL reads these properties.
     */
    private static void configureEngine() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("PYTORCH_VERSION", PYTORCH_VERSION);
        if (System.getProperty(THREADS_PROPERTY) == null) {
            System.setProperty(THREADS_PROPERTY, String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
        // DJL would otherwise log a notice about TorchScript's optimizer, which eager mode does not use.
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        // The set-up's one check against gradflow runs on gradflow's pure-Java products, so that no gradflow
        // native library and no gradflow thread is in PyTorch's process: with gradflow's OpenBLAS loaded (set to
        // one thread), PyTorch ran 1024-1024-1024-10 float32 at 4.97 batches/s against 9.25 without it.
        System.setProperty(Gemms.PROPERTY, "java");
    }

    @TearDown
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public double forwardBackward() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return lossAndGradients().loss;
        }
    }

    /** The loss and the gradients, as {@link GradientSet} holds them; call inside an {@link NDScope}. */
    private Result lossAndGradients() {
        NDArray input = leaf(x);
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            w.add(leaf(weights.get(i)));
            b.add(leaf(biases.get(i)));
        }
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray activation = input;
            for (int i = 0; i < w.size(); i++) {
                NDArray z = activation.matMul(w.get(i)).add(b.get(i));
                activation = i + 1 < w.size() ? Activation.relu(z) : z;
            }
            // Softmax cross-entropy on class ids: -(1/N) Σ log softmax(z)[n, y_n].
            NDArray loss = activation.logSoftmax(1).gather(classIds, 1).mean().neg();
            collector.backward(loss);
            Result result = new Result(values(loss)[0], input.getGradient(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < w.size(); i++) {
                result.weightGradients.add(w.get(i).getGradient());
                result.biasGradients.add(b.get(i).getGradient());
            }
            return result;
        }
    }

    private record Result(double loss, NDArray inputGradient, List<NDArray> weightGradients,
            List<NDArray> biasGradients) {
    }

    /** A fresh leaf that shares {@code array}'s storage: a new tensor with no gradient yet, and no copy. */
    private static NDArray leaf(NDArray array) {
        NDArray leaf = array.stopGradient();
        leaf.setRequiresGradient(true);
        return leaf;
    }

    private NDArray array(Tensor tensor) {
        long[] shape = new long[tensor.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.dim(i);
        }
        double[] data = tensor.toDoubleArray();
        if (tensor.dtype() == DType.FLOAT64) {
            return manager.create(data, new Shape(shape));
        }
        float[] floats = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            floats[i] = (float) data[i];
        }
        return manager.create(floats, new Shape(shape));
    }

    /** Fails unless PyTorch's loss and every gradient match gradflow's within the dtype's tolerance. */
    private void checkAgainstGradflow(GradientSet expected, DType type) {
        double tolerance = type == DType.FLOAT64 ? 1e-9 : 1e-3;
        List<String> report = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Result actual = lossAndGradients();
            compare(report, "loss", new double[] {expected.output().item()}, new double[] {actual.loss}, tolerance);
            compare(report, "x", expected.inputs().get("x").toDoubleArray(), values(actual.inputGradient), tolerance);
            for (int i = 0; i < weights.size(); i++) {
                String layer = "dense" + (i + 1);
                compare(report, layer + ".weights", expected.parameters().get(layer + ".weights").toDoubleArray(),
                        values(actual.weightGradients.get(i)), tolerance);
                compare(report, layer + ".biases", expected.parameters().get(layer + ".biases").toDoubleArray(),
                        values(actual.biasGradients.get(i)), tolerance);
            }
        }
        System.out.println("# gradients agree with gradflow's (worst relative error per tensor): "
                + String.join(", ", report));
    }

    private static double[] values(NDArray array) {
        return array.getDataType() == DataType.FLOAT64 ? array.toDoubleArray()
                : toDoubles(array.toFloatArray());
    }

    private static double[] toDoubles(float[] floats) {
        double[] doubles = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            doubles[i] = floats[i];
        }
        return doubles;
    }

    /**
     * Worst |a − e| relative to the largest |e| of the tensor: the two engines sum in different orders, so tiny
     * elements may differ relative to themselves while the tensor agrees.
     */
    private static void compare(List<String> report, String name, double[] expected, double[] actual,
            double tolerance) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(name + ": gradflow has " + expected.length + " elements, PyTorch "
                    + actual.length);
        }
        double scale = Double.MIN_NORMAL;
        for (double value : expected) {
            scale = Math.max(scale, Math.abs(value));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / scale);
        }
        if (!(worst <= tolerance)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: PyTorch and gradflow disagree, worst relative error %.3g > %.0g", name, worst, tolerance));
        }
        report.add(String.format(Locale.ROOT, "%s %.1e", name, worst));
    }
}
