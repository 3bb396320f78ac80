package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Json;
import dev.gradflow.core.trace.ChainRuleTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Traces on the topics: the batch's request, the traced tape's node values, and the trace in the answer. */
class TraceWireFormatsTest {

    private static CompiledGraph example(String name) throws IOException {
        Object tree = Json.parse(Files.readString(Path.of("..", "examples", name + ".network.json")));
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
    }

    @Test
    void aBatchCarriesItsTraceRequestAndVersionTwoReadsAsAuto() {
        BatchRecord batch = new BatchRecord("b", "n", Map.of("x", Tensor.scalar(1))).traced(TraceRequest.ALWAYS);

        assertThat(BatchRecord.decode(batch.encode())).isEqualTo(batch);
        assertThat(BatchRecord.decode(batch.traced(TraceRequest.NEVER).encode()).trace())
                .isEqualTo(TraceRequest.NEVER);
        // Version 2 is version 3 without the trace byte after the answer topic.
        byte[] v3 = new BatchRecord("b", "n", Map.of("x", Tensor.scalar(1))).encode();
        int traceByte = 4 + 1 + (4 + 1) + (4 + 1) + 8 + 1;
        byte[] v2 = new byte[v3.length - 1];
        System.arraycopy(v3, 0, v2, 0, traceByte);
        System.arraycopy(v3, traceByte + 1, v2, traceByte, v3.length - traceByte - 1);
        v2[4] = 2;
        assertThat(BatchRecord.decode(v2).trace()).isEqualTo(TraceRequest.AUTO);
        assertThat(BatchRecord.decode(v2).tensors()).containsKey("x");
        v3[traceByte] = 3;
        assertThatThrownBy(() -> BatchRecord.decode(v3)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("trace request 3 is not 0 (auto), 1 (always) or 2 (never)");
    }

    @Test
    void theDefaultTracesSmallBatchesAndTheDefinitionOrTheRequestDecideForLargeOnes() {
        assertThat(TraceRequest.AUTO.traces(false, 1_000)).isTrue();
        assertThat(TraceRequest.AUTO.traces(false, 1_001)).isFalse();
        assertThat(TraceRequest.AUTO.traces(true, 1_000_000)).isTrue();
        assertThat(TraceRequest.ALWAYS.traces(false, 1_000_000)).isTrue();
        assertThat(TraceRequest.NEVER.traces(true, 1)).isFalse();
    }

    @Test
    void aTracedTapeCarriesEveryNodesValueOnceAndTheAnswerItsTrace() throws IOException {
        ForwardPass.Recorded recorded = ForwardPass.recordWithValues(example("chain-rule"),
                Map.of("x", Tensor.scalar(1)), 0);
        TapeRecord tape = TapeRecord.ok("b", "n", recorded.tape()).withValues(recorded.values());

        byte[] traced = tape.encode();
        TapeRecord decoded = TapeRecord.decode(traced);

        assertThat(decoded.values()).isEqualTo(recorded.values());
        assertThat(decoded.isTraced()).isTrue();
        assertThat(TapeRecord.decode(TapeRecord.ok("b", "n", recorded.tape()).encode()).values()).isNull();
        // The values the ops saved anyway travel once: the tape grows by the rest and one index per node.
        assertThat(traced.length - TapeRecord.ok("b", "n", recorded.tape()).encode().length)
                .isLessThan(recorded.values().size() * (4 + 40));

        ChainRuleTrace trace = ChainRuleTrace.of(new ForwardPass.Recorded(decoded.tape(), decoded.values()));
        GradientRecord answer = GradientRecord.ok("b", "n", BackwardPass.run(decoded.tape())).withTrace(trace);
        GradientRecord read = GradientRecord.decode(answer.encode());
        assertThat(read.trace()).isEqualTo(trace);
        assertThat(read.trace().node("x").gradient().item()).isEqualTo(960);
        assertThat(read.trace().edge("g", "g5").local().item()).isEqualTo(80);
        assertThat(read.trace().edge("g", "g5").upstream().item()).isEqualTo(3);
        assertThat(GradientRecord.decode(GradientRecord.ok("b", "n", BackwardPass.run(decoded.tape())).encode())
                .trace()).isNull();
    }

    @Test
    void aForwardPassThatFailsIsTracedUpToTheFailingNodeAndTheTraceTravelsWithTheFailure() throws IOException {
        // log(x) at x = 0 is −∞: the forward pass stops at that node.
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(Json.parse(
                "{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\": ["
                        + "{\"name\": \"lx\", \"op\": \"log\", \"inputs\": [\"x\"]},"
                        + "{\"name\": \"y\", \"op\": \"neg\", \"inputs\": [\"lx\"]}], \"output\": \"y\"}")),
                Limits.DEFAULT);
        NonFiniteException failure = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteException.class,
                () -> ForwardPass.recordWithValues(graph, Map.of("x", Tensor.scalar(0)), 0));
        ForwardPass.Recorded partial = failure.partial();
        assertThat(partial.values()).hasSize(2);
        ChainRuleTrace trace = ChainRuleTrace.failedForward(partial.tape().nodes(), partial.values(),
                failure.getMessage());

        TapeRecord tape = TapeRecord.failed("b", "n", failure.getMessage()).withFailedTrace(trace);
        ChainRuleTrace read = TapeRecord.decode(tape.encode()).failedTrace();
        GradientRecord answer = GradientRecord.decode(GradientRecord.failed("b", "n", failure.getMessage())
                .withTrace(read).encode());

        assertThat(answer.trace()).isEqualTo(trace);
        assertThat(answer.trace().failure().node()).isEqualTo(1);
        assertThat(answer.trace().nodes().get(1).name()).isEqualTo("lx");
        assertThat(answer.trace().nodes().get(1).value().item()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(answer.trace().hasGradients()).isFalse();
        assertThat(answer.trace().edges()).singleElement().satisfies(edge -> {
            assertThat(edge.from()).isEqualTo(0);
            assertThat(edge.contribution()).isNull();
        });
    }

    @Test
    void aTraceWithIndicesOutOfRangeIsRejectedNamingTheField() throws IOException {
        ForwardPass.Recorded recorded = ForwardPass.recordWithValues(example("chain-rule"),
                Map.of("x", Tensor.scalar(1)), 0);
        byte[] tape = TapeRecord.ok("b", "n", recorded.tape()).withValues(recorded.values()).encode();
        byte[] lastIndexOutOfRange = Arrays.copyOf(tape, tape.length);
        lastIndexOutOfRange[tape.length - 1] = 99;
        assertThatThrownBy(() -> TapeRecord.decode(lastIndexOutOfRange)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("value: tensor index");
        byte[] badFlag = Arrays.copyOf(tape, tape.length);
        badFlag[tape.length - 4 * recorded.values().size() - 1] = 2;
        assertThatThrownBy(() -> TapeRecord.decode(badFlag)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("traced flag 2 is neither 0 nor 1");

        ChainRuleTrace trace = ChainRuleTrace.of(recorded);
        byte[] answer = GradientRecord.ok("b", "n", BackwardPass.run(recorded.tape())).withTrace(trace).encode();
        byte[] truncated = Arrays.copyOf(answer, answer.length - 3);
        assertThatThrownBy(() -> GradientRecord.decode(truncated)).isInstanceOf(WireFormatException.class);
    }
}
