package dev.gradflow.benchmarks;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A benchmark network written {@code 784-256-128-10/256}: layer widths from input to output, then the batch size.
 * It stands for Dense layers with ReLU between them, a linear last layer, and a softmax-cross-entropy loss on
 * class-id targets.
 *
 * @param label the text it was parsed from
 * @param widths input size, then each Dense layer's units
 * @param batch samples per batch
 */
public record NetworkCase(String label, int[] widths, int batch) {
    /** Parses {@code 784-256-128-10/256}. */
    public static NetworkCase parse(String label) {
        String[] parts = label.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected widths/batch such as 784-256-128-10/256, got " + label);
        }
        int[] widths = Arrays.stream(parts[0].split("-")).mapToInt(Integer::parseInt).toArray();
        if (widths.length < 2) {
            throw new IllegalArgumentException("a network needs an input size and at least one layer: " + label);
        }
        return new NetworkCase(label, widths, Integer.parseInt(parts[1]));
    }

    /**
     * Floating-point operations of the matrix products in one forward and backward pass over a batch of N:
     * each Dense layer of in → out costs 2·N·in·out for {@code X·W}, the same for {@code Xᵀ·G} (weight
     * gradient) and the same for {@code G·Wᵀ} (input gradient, computed for the first layer too, because gradflow
     * reports ∂L/∂x), so 6·N·Σ in·out in all. Bias additions, activations, the loss and gradient accumulation are
     * not counted: they are O(N·Σ out), under 1% of the total for the larger cases.
     */
    public double matmulFlops() {
        double sum = 0;
        for (int i = 0; i + 1 < widths.length; i++) {
            sum += (double) widths[i] * widths[i + 1];
        }
        return 6.0 * batch * sum;
    }

    /** The network as a layer-list definition, parsed and compiled exactly as the services do it. */
    public CompiledGraph compile(DType dtype) {
        Limits limits = Limits.DEFAULT;
        return GraphCompiler.compile(new DefinitionParser(limits).parse(definition(dtype)), limits);
    }

    /**
     * The layer-list definition, as the JSON tree {@code POST /networks} takes (like
     * {@code examples/mlp.network.json}): Dense layers with ReLU between them, a linear last layer, softmax
     * cross-entropy, and weights drawn from a fixed seed.
     */
    public Map<String, Object> definition(DType dtype) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("kind", "layers");
        definition.put("dtype", dtype.label());
        definition.put("inputSize", widths[0]);
        definition.put("seed", 7);
        List<Object> layers = new ArrayList<>();
        for (int i = 1; i < widths.length; i++) {
            layers.add(Map.of("type", "dense", "name", "dense" + i, "units", widths[i],
                    "activation", i + 1 < widths.length ? "relu" : "linear"));
        }
        definition.put("layers", layers);
        definition.put("loss", "softmax-cross-entropy");
        return definition;
    }

    /** Inputs x [N, in] uniform in [-1, 1) and class ids y [N], drawn from a fixed seed. */
    public Map<String, Tensor> feeds(DType dtype, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[batch * widths[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        double[] y = new double[batch];
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextInt(widths[widths.length - 1]);
        }
        return Map.of("x", Tensor.of(dtype, new int[] {batch, widths[0]}, x),
                "y", Tensor.of(dtype, new int[] {batch}, y));
    }
}
