package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tapes with recipes (version 5): what the forward-service's default leaves out, the exact layout a producer of its
 * own may write, and recipes a reader refuses, each with the reason.
 */
class TapeRecipesTest {
    /** The forward-service's default, {@code gradflow.forward.recompute-max-work-per-byte}. */
    private static final double DEFAULT_MAX_WORK_PER_BYTE = 4;

    @Test
    void theSmallNetworksHiddenLayerIsRecomputedAndEverythingElseTravels() {
        ForwardPass.Recorded recorded = record(new int[] {2, 64, 3}, 300, DType.FLOAT64);
        TapeRecord record = TapeRecord.ok("b", "n", recorded.tape());
        byte[] whole = record.encode();
        byte[] withRecipes = record.encodeRecomputing(recorded.values(), DEFAULT_MAX_WORK_PER_BYTE);
        // 300 x 64 float64 outputs of the hidden layer are 153,600 bytes; its 64 biases (512 bytes) travel instead.
        assertThat(whole.length - withRecipes.length).isBetween(153_600 - 512 - 64, 153_600 - 512);
        Tape decoded = TapeRecord.decode(withRecipes).tape();
        Tape reference = TapeRecord.decode(whole).tape();
        for (int i = 0; i < reference.nodes().size(); i++) {
            assertThat(decoded.nodes().get(i).saved()).containsExactlyElementsOf(reference.nodes().get(i).saved());
        }
        GradientSet gradients = BackwardPass.run(decoded);
        assertThat(gradients.parameters()).isEqualTo(BackwardPass.run(reference).parameters());
        assertThat(gradients.inputs()).isEqualTo(BackwardPass.run(reference).inputs());
    }

    @Test
    void theLargeNetworksOutputsCostTooMuchToRecompute() {
        ForwardPass.Recorded recorded = record(new int[] {784, 256, 128, 10}, 64, DType.FLOAT32);
        TapeRecord record = TapeRecord.ok("b", "n", recorded.tape());
        assertThat(record.encodeRecomputing(recorded.values(), DEFAULT_MAX_WORK_PER_BYTE))
                .isEqualTo(record.encode());
        assertThat(record.encodeRecomputing(recorded.values(), 0)).as("0 recomputes nothing")
                .isEqualTo(record.encode());
    }

    @Test
    void aTracedTapeIsWrittenWhole() {
        ForwardPass.Recorded recorded = record(new int[] {2, 64, 3}, 30, DType.FLOAT64);
        TapeRecord traced = TapeRecord.ok("b", "n", recorded.tape()).withValues(recorded.values());
        assertThat(traced.encodeRecomputing(recorded.values(), Double.MAX_VALUE)).isEqualTo(traced.encode());
    }

    @Test
    void aRecipeWrittenByHandIsReplayed() {
        Tape tape = TapeRecord.decode(handWritten(1, 1, new int[] {0}, "relu", new int[] {2})).tape();
        assertThat(tape.nodes().get(1).saved()).containsExactly(Tensor.vector(0, 3));
        assertThat(BackwardPass.run(tape).inputs().get("x")).isEqualTo(Tensor.vector(0, 1));
    }

    @Test
    void recipesThatDoNotFitTheirNodeAreRefusedWithTheReason() {
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 7, new int[] {0}, "relu", new int[] {2})))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("tape record: recipe 0 (tensor 2): node 7 is outside the 3 nodes");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 0, new int[] {0}, "relu", new int[] {2})))
                .hasMessage("tape record: recipe 0 (tensor 2): node 0 (\"x\") is not an op, so its value cannot be"
                        + " recomputed");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 1, new int[] {2}, "relu", new int[] {2})))
                .hasMessageContaining("recipe 0 input 0: tensor index 2 is outside the 2 tensors");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 1, new int[] {0, 0}, "relu", new int[] {2})))
                .hasMessage("tape record: recipe 0 (tensor 2): node 1 (\"r\") has 1 inputs, the recipe gives 2");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 1, new int[] {0}, "relu", new int[] {3})))
                .hasMessage("tape record: recipe 0 (tensor 2): node 1 (\"r\"): the op gives shape [2], the tape"
                        + " records [3]");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 1, new int[] {0}, "relu",
                new int[] {16_777_217}))).hasMessage("tape record: recipe 0 (tensor 2): node 1 (\"r\"): 16777217"
                        + " elements, more than 16777216 may be recomputed");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 1, new int[] {0}, "nope", new int[] {2})))
                .hasMessageStartingWith("tape record: recipe 0 (tensor 2): ").hasMessageContaining("nope");
        assertThatThrownBy(() -> TapeRecord.decode(handWritten(1, 1, new int[] {0}, "dropout", new int[] {2})))
                .hasMessageContaining("op \"dropout\" draws random numbers per batch, so its value cannot be"
                        + " recomputed");
    }

    /**
     * x [2] = (-1, 3) → r = op(x) → s = sum(r), with r's value a recipe: the documented layout, written field by
     * field. The table is x, the output value, then the recipe (tensor 2), which r saves.
     */
    private static byte[] handWritten(int recipes, int recipeNode, int[] recipeInputs, String op, int[] rShape) {
        WireWriter writer = new WireWriter(256).magic(TapeRecord.MAGIC, (byte) 5).string("b").string("n").u8(0)
                .u8(0).u8(DType.FLOAT64.wireCode()).i32(2).i32(2).tensor(Tensor.vector(-1, 3)).tensor(Tensor.scalar(3))
                .i32(recipes);
        writer.i32(recipeNode).u8(recipeInputs.length);
        for (int input : recipeInputs) {
            writer.i32(input);
        }
        writer.i32(1).i32(3);
        writer.string("x").u8(0).u8(1).i32(2);
        writer.string("r").u8(4).u8(rShape.length);
        for (int dim : rShape) {
            writer.i32(dim);
        }
        double[] attributes = "dropout".equals(op) ? new double[] {0.5, 0, 1} : new double[0];
        writer.string(op).u8(attributes.length);
        for (double attribute : attributes) {
            writer.f64(attribute);
        }
        writer.u8(1).i32(0).u8(1).i32(2);
        writer.string("s").u8(4).u8(0).string("sum").u8(0).u8(1).i32(1).u8(0);
        return writer.u8(0).toByteArray();
    }

    /** Dense layers with ReLU between them, a linear last one and softmax cross-entropy, as the benchmarks run. */
    private static ForwardPass.Recorded record(int[] widths, int rows, DType dtype) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("kind", "layers");
        definition.put("dtype", dtype.label());
        definition.put("inputSize", widths[0]);
        definition.put("seed", 7);
        List<Object> layers = new ArrayList<>();
        for (int i = 1; i < widths.length; i++) {
            layers.add(Map.of("type", "dense", "units", widths[i],
                    "activation", i + 1 < widths.length ? "relu" : "linear"));
        }
        definition.put("layers", layers);
        definition.put("loss", "softmax-cross-entropy");
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(definition),
                Limits.DEFAULT);
        SplittableRandom random = new SplittableRandom(11);
        double[] x = new double[rows * widths[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(widths[widths.length - 1]);
        }
        return ForwardPass.recordWithValues(graph, Map.of("x", Tensor.of(dtype, new int[] {rows, widths[0]}, x),
                "y", Tensor.of(dtype, new int[] {rows}, y)), 0);
    }
}
