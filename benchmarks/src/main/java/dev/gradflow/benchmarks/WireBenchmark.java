package dev.gradflow.benchmarks;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;
import java.util.Arrays;
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

/**
 * What the services spend on the wire formats for one batch, outside the engine: the forward-service decodes a
 * batch record and encodes a tape record, the gradient-service decodes the tape and encodes the gradient record.
 * One operation is one record; compare with {@link EngineBenchmark}'s batches per second for the same network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WireBenchmark {
    /** A {@link NetworkCase}: layer widths, then the batch size. */
    @Param({"2-64-3/300", "784-256-128-10/256"})
    public String network;

    @Param({"float32", "float64"})
    public String dtype;

    private byte[] batchBytes;
    private TapeRecord tape;
    private byte[] tapeBytes;
    private GradientRecord gradients;

    @Setup
    public void setUp() {
        NetworkCase networkCase = NetworkCase.parse(network);
        DType type = DType.fromLabel(dtype);
        CompiledGraph graph = networkCase.compile(type);
        Map<String, Tensor> feeds = networkCase.feeds(type, 42);
        batchBytes = new BatchRecord("batch-1", "network-1", feeds).encode();
        Tape recorded = ForwardPass.record(graph, feeds);
        tape = TapeRecord.ok("batch-1", "network-1", recorded);
        tapeBytes = tape.encode();
        gradients = GradientRecord.ok("batch-1", "network-1", BackwardPass.run(recorded));
        // The benchmarks below must measure working codecs: each record survives its round trip.
        byte[] gradientBytes = gradients.encode();
        if (!Arrays.equals(TapeRecord.decode(tapeBytes).encode(), tapeBytes)
                || !Arrays.equals(GradientRecord.decode(gradientBytes).encode(), gradientBytes)
                || !BatchRecord.decode(batchBytes).tensors().keySet().equals(feeds.keySet())) {
            throw new IllegalStateException("a record did not survive its round trip");
        }
    }

    @Benchmark
    public BatchRecord decodeBatch() {
        return BatchRecord.decode(batchBytes);
    }

    @Benchmark
    public byte[] encodeTape() {
        return tape.encode();
    }

    @Benchmark
    public TapeRecord decodeTape() {
        return TapeRecord.decode(tapeBytes);
    }

    @Benchmark
    public byte[] encodeGradients() {
        return gradients.encode();
    }
}
