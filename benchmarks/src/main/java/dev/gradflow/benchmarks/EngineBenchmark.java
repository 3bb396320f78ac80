package dev.gradflow.benchmarks;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.kernels.Gemms;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.MatrixKernels;
import dev.gradflow.core.tensor.Tensor;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One training step's worth of the core engine, as the services run it: {@link ForwardPass#record} (forward pass
 * and tape) then {@link BackwardPass#run} (every parameter's and input's gradient), for one batch.
 *
 * <p>One operation is one batch; {@link Run} turns operations per second into samples per second and GFLOP/s.
 * Each parameter combination runs in its own JVM, so {@code gemm} decides that JVM's {@link Gemms} choice.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {
    /** A {@link NetworkCase}: layer widths, then the batch size. */
    @Param({"784-256-128-10/256", "1024-1024-1024-10/512", "2-64-3/300"})
    public String network;

    @Param({"float32", "float64"})
    public String dtype;

    /** The value of {@code gradflow.gemm} for this JVM: auto, native, java or loops. */
    @Param({"auto"})
    public String gemm;

    private CompiledGraph graph;
    private Map<String, Tensor> feeds;

    @Setup
    public void setUp(BenchmarkParams params) {
        // Before the first matrix product: the process-wide choice is made on first use.
        System.setProperty(Gemms.PROPERTY, gemm);
        String implementation = MatrixKernels.implementation();
        System.out.println("# gemm implementation: " + implementation);
        Labels.record(params, implementation);

        NetworkCase networkCase = NetworkCase.parse(network);
        DType type = DType.fromLabel(dtype);
        graph = networkCase.compile(type);
        feeds = networkCase.feeds(type, 42);
        GradientSet check = forwardBackward();
        if (!Double.isFinite(check.output().item())) {
            throw new IllegalStateException("the loss is not finite: " + check.output());
        }
    }

    @Benchmark
    public GradientSet forwardBackward() {
        return BackwardPass.run(ForwardPass.record(graph, feeds));
    }
}
