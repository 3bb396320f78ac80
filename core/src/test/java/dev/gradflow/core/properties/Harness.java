package dev.gradflow.core.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gradflow.core.check.GradientCheck;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.graph.NestedArrays;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.ops.Clip;
import dev.gradflow.core.ops.Dense;
import dev.gradflow.core.ops.ReduceMax;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.FiniteDifferences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Assume;

/**
 * The checks every property in this package makes, and their tolerances.
 *
 * <h2>Backward against finite differences (float64)</h2>
 *
 * <p>The numerical gradient is the project's five-point central difference ({@link GradientCheck#centralDifference})
 * with the step of {@link FiniteDifferences} (1e-5), computed here rather than by that class only because the
 * forward pass must see the sample's batch seed (dropout draws its mask from it; {@code FiniteDifferences} always
 * records with seed 0). An element agrees when its {@link GradientCheck#relativeError},
 * {@code |analytic − numeric| / max(|analytic|, |numeric|, floor)}, is at most 1e-6, the bound of the acceptance
 * criterion and of {@code MlpFiniteDifferenceTest}: above the floor a relative error of 1e-6, below it an absolute
 * 1e-6 · floor, so a wrong small gradient does not slip through.
 *
 * <p>The floor is what the stencil itself cannot resolve. Each evaluation of the output is off by round-off of
 * about u · M (u = 2⁻⁵³, M the largest sum of magnitudes Σ|v| of any node's value), and the stencil's weights
 * (8 + 8 + 1 + 1)/12 turn that into an error of up to ε = 1.5 · u · M / h on every numerical gradient element,
 * whatever its size ({@link #roundOffBound}). An element of magnitude 1e-3 next to M = 100 is thus only known to
 * ε ≈ 1.7e-9, a relative 2e-6, which says nothing about the backward pass. So the floor is
 * {@code max(1e-7, 100 · ε / 1e-6)}: elements above it are held to 1e-6 relative as required, and smaller ones to
 * 100 · ε absolute. ε is an estimate (an op may sum terms larger than any node value, such as the logarithms
 * inside binary cross-entropy), so the worst |analytic − numeric| / ε of the elements below the floor is printed
 * per op, graph and loss after each run: over ten runs with ten times the default tries (about 340,000 samples)
 * it stayed below 1.4, and below 13 over all elements. The factor 100 is a margin over measured round-off, not a
 * loosening of the bound.
 *
 * <h2>Kinks</h2>
 *
 * <p>Where an op is not differentiable (ReLU and |x| at 0, max/min at ties, clip at its bounds, reduce-max at ties,
 * mean absolute error where prediction equals target, the 1e-7 clip of the cross-entropies), a difference quotient
 * that straddles the kink measures a secant, not the derivative, and legitimately disagrees with the backward pass.
 * Before anything is compared, every node's value is computed and the sample is discarded (jqwik's
 * {@link Assume}) if any such op sees an input within {@link #KINK_MARGIN} of its kink: 1e-3, which is 50 times
 * the widest perturbation of the stencil (2h = 2e-5), so a kink's input would have to be 50 times as sensitive to
 * the perturbed element as to itself to be pushed across (the generated values and weights are of order 1, which
 * keeps those sensitivities to a few units). A crossing that slipped through would fail the property; nothing
 * hides it. One exception: a parameter element that is exactly 0 under {@code abs} (a zero-initialised bias under
 * an L1 penalty) is not treated as a kink, because there the perturbed element is the input of abs itself, so
 * |±h| cancels exactly in the symmetric stencil, which measures 0 = sign(0), the backward pass's value. (Where
 * abs sees an op's output that happens to be 0, the cancellation is only up to O(h) and the sample is discarded
 * like any other.) No tolerance is widened for kinks.
 *
 * <h2>float32 against float64</h2>
 *
 * <p>The same definition with {@code "dtype": "float32"}, fed the same batch (all generated values are float32
 * numbers, so both runs see identical data), must give an output and gradients with
 * {@code |x₃₂ − x₆₄| ≤ 1e-4 · max(1, |x₆₄|)}: absolute 1e-4 for magnitudes up to 1, relative 1e-4 above. An
 * absolute bound alone cannot hold for large values (a float32 number near 1000 is only known to about 6e-5),
 * and a relative bound alone is meaningless for gradients near 0, which float32 computes as the difference of
 * rounded terms. Each float32 op rounds its float64 result once (relative 6e-8), so 1e-4 leaves three orders
 * of magnitude for the ten or twenty roundings along a path and their amplification by the derivatives of later
 * ops, which the generators keep bounded.
 */
final class Harness {
    static final double STEP = 1e-5;
    static final double TOLERANCE = 1e-6;
    static final double MIN_FLOOR = 1e-7;
    /** How many round-off bounds ({@link #roundOffBound}) an element below the floor may be off by. */
    static final double FLOOR_MULTIPLE = 100;
    static final double KINK_MARGIN = 1e-3;
    static final double FLOAT32_TOLERANCE = 1e-4;
    /** The clip of the categorical and binary cross-entropies, {@code CategoricalCrossEntropy.EPSILON}. */
    private static final double CROSS_ENTROPY_CLIP = 1e-7;

    /** The worst agreement seen per label, for the summary a test class prints after its properties. */
    private static final Map<String, Double> WORST = new ConcurrentHashMap<>();

    private Harness() {
    }

    /** A definition, as the JSON tree a client sends, and one batch for it. */
    interface Case {
        /** The float64 definition tree; {@link #withDtype} gives the float32 one. */
        Map<String, Object> definition();

        /** The batch, float64, every value a float32 number. */
        Map<String, Tensor> feeds();

        /** The batch seed passed to the forward pass (dropout masks depend on it). */
        long batchSeed();
    }

    // ---------------------------------------------------------------- the public API, as the services use it

    static CompiledGraph compile(Map<String, Object> definition) {
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(definition), Limits.DEFAULT);
    }

    static GradientSet gradients(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        return BackwardPass.run(ForwardPass.record(graph, feeds, batchSeed));
    }

    static Map<String, Object> withDtype(Map<String, Object> definition, DType dtype) {
        Map<String, Object> copy = new LinkedHashMap<>(definition);
        copy.put("dtype", dtype.label());
        return copy;
    }

    static Map<String, Tensor> cast(Map<String, Tensor> feeds, DType dtype) {
        Map<String, Tensor> cast = new LinkedHashMap<>();
        feeds.forEach((name, value) -> cast.put(name, value.cast(dtype)));
        return cast;
    }

    /** The nearest float32 number, as a double: generated values are float32 numbers so both dtypes see them. */
    static double float32(double value) {
        return (float) value;
    }

    // ---------------------------------------------------------------- backward against finite differences

    /**
     * Discards the sample if it sits near a kink, then compares every parameter and input gradient of the backward
     * pass with central differences. Returns the worst {@code |analytic − numeric| / max(|analytic|, |numeric|,
     * floor)} seen, which must not exceed {@link #TOLERANCE}.
     */
    static double checkAgainstFiniteDifferences(String label, Case sample) {
        CompiledGraph graph = compile(sample.definition());
        Map<String, Tensor> feeds = sample.feeds();
        long seed = sample.batchSeed();
        assumeAwayFromKinks(graph, feeds, seed);
        GradientSet analytic = gradients(graph, feeds, seed);

        assertThat(analytic.parameters().keySet()).as("parameters with a gradient")
                .containsExactlyInAnyOrderElementsOf(names(graph, NodeKind.PARAMETER));
        assertThat(analytic.inputs().keySet()).as("inputs with a gradient")
                .containsExactlyInAnyOrderElementsOf(names(graph, NodeKind.INPUT));

        Map<String, Tensor[]> pairs = new LinkedHashMap<>();
        analytic.parameters().forEach((name, gradient) -> pairs.put("parameters." + name,
                new Tensor[] {gradient, numericParameterGradient(graph, feeds, name, seed)}));
        analytic.inputs().forEach((name, gradient) -> pairs.put("inputs." + name,
                new Tensor[] {gradient, numericInputGradient(graph, feeds, name, seed)}));

        double noise = roundOffBound(evaluate(graph, feeds, seed));
        double floor = Math.max(MIN_FLOOR, FLOOR_MULTIPLE * noise / TOLERANCE);
        double worstBelowFloor = 0;
        double worst = 0;
        for (Map.Entry<String, Tensor[]> entry : pairs.entrySet()) {
            Tensor a = entry.getValue()[0];
            Tensor n = entry.getValue()[1];
            assertThat(a.shape()).as("shape of the gradient of %s", entry.getKey()).isEqualTo(n.shape());
            for (int i = 0; i < a.size(); i++) {
                double x = a.toDoubleArray()[i];
                double y = n.toDoubleArray()[i];
                double error = GradientCheck.relativeError(x, y, floor);
                worst = Math.max(worst, error);
                if (Math.max(Math.abs(x), Math.abs(y)) < floor) {
                    worstBelowFloor = Math.max(worstBelowFloor, Math.abs(x - y));
                }
                if (!(error <= TOLERANCE)) {
                    fail("%s: gradient of %s, element %d %s: backward %s, finite differences %s, relative error %.3e"
                            + " > %.0e (floor %.3e)%nbackward:           %s%nfinite differences: %s", label,
                            entry.getKey(), i, position(a.shape(), i), x, y, error, TOLERANCE, floor, a, n);
                }
            }
        }
        WORST.merge(label + " (float64 vs finite differences: relative error, limit 1e-6)", worst, Math::max);
        WORST.merge(label + " (float64 vs finite differences below the floor: |Δ| / ε, limit 100)",
                noise > 0 ? worstBelowFloor / noise : 0, Math::max);
        return worst;
    }

    /**
     * A bound on the round-off error of the stencil: {@code 1.5 · u · M / h}, where u = 2⁻⁵³ and M is the largest
     * sum of magnitudes {@code Σ|v|} of any node's value. Each evaluation of the output is off by about u · M
     * (M bounds the magnitudes that are summed or multiplied into it), and the stencil's weights (8 + 8 + 1 + 1)/12
     * turn that into 1.5 · u · M / h.
     */
    static double roundOffBound(Tensor[] values) {
        double magnitude = 0;
        for (Tensor value : values) {
            double sum = 0;
            for (double v : value.toDoubleArray()) {
                sum += Math.abs(v);
            }
            magnitude = Math.max(magnitude, sum);
        }
        return 1.5 * Math.ulp(1.0) / 2 * magnitude / STEP;
    }

    /** ∂output/∂parameter by the five-point stencil, the forward pass seeing {@code batchSeed}. */
    static Tensor numericParameterGradient(CompiledGraph graph, Map<String, Tensor> feeds, String name,
            long batchSeed) {
        int index = -1;
        for (int i = 0; i < graph.nodes().size(); i++) {
            GraphNode node = graph.nodes().get(i);
            if (node.kind() == NodeKind.PARAMETER && node.name().equals(name)) {
                index = i;
            }
        }
        int at = index;
        Tensor value = graph.nodes().get(at).value();
        double[] gradient = new double[value.size()];
        for (int i = 0; i < gradient.length; i++) {
            int element = i;
            gradient[i] = GradientCheck.centralDifference(
                    h -> output(withValue(graph, at, perturbed(value, element, h)), feeds, batchSeed), STEP);
        }
        return Tensor.of(value.dtype(), value.shape(), gradient);
    }

    /** ∂output/∂input by the five-point stencil, the forward pass seeing {@code batchSeed}. */
    static Tensor numericInputGradient(CompiledGraph graph, Map<String, Tensor> feeds, String name, long batchSeed) {
        Tensor value = feeds.get(name);
        double[] gradient = new double[value.size()];
        for (int i = 0; i < gradient.length; i++) {
            int element = i;
            gradient[i] = GradientCheck.centralDifference(h -> {
                Map<String, Tensor> shifted = new HashMap<>(feeds);
                shifted.put(name, perturbed(value, element, h));
                return output(graph, shifted, batchSeed);
            }, STEP);
        }
        return Tensor.of(value.dtype(), value.shape(), gradient);
    }

    private static double output(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        return ForwardPass.record(graph, feeds, batchSeed).outputValue().item();
    }

    private static Tensor perturbed(Tensor value, int element, double step) {
        double[] data = value.toDoubleArray().clone();
        data[element] += step;
        return Tensor.of(value.dtype(), value.shape(), data);
    }

    private static CompiledGraph withValue(CompiledGraph graph, int index, Tensor value) {
        List<GraphNode> nodes = new ArrayList<>(graph.nodes());
        GraphNode node = nodes.get(index);
        nodes.set(index, new GraphNode(node.name(), node.kind(), node.shape(), node.op(), node.inputs(), value));
        return new CompiledGraph(graph.dtype(), nodes, graph.output());
    }

    private static List<String> names(CompiledGraph graph, NodeKind kind) {
        return graph.nodes().stream().filter(n -> n.kind() == kind).map(GraphNode::name).toList();
    }

    // ---------------------------------------------------------------- float32 against float64

    /** Runs the definition in float64 and in float32 and compares the output and every gradient. */
    static double checkFloat32(String label, Case sample) {
        CompiledGraph graph64 = compile(sample.definition());
        assumeAwayFromKinks(graph64, sample.feeds(), sample.batchSeed());
        CompiledGraph graph32 = compile(withDtype(sample.definition(), DType.FLOAT32));
        assertThat(graph32.dtype()).isEqualTo(DType.FLOAT32);
        GradientSet run64 = gradients(graph64, sample.feeds(), sample.batchSeed());
        GradientSet run32 = gradients(graph32, cast(sample.feeds(), DType.FLOAT32), sample.batchSeed());

        Map<String, Tensor[]> pairs = new LinkedHashMap<>();
        pairs.put("output", new Tensor[] {run32.output(), run64.output()});
        assertThat(run32.parameters().keySet()).containsExactlyElementsOf(run64.parameters().keySet());
        assertThat(run32.inputs().keySet()).containsExactlyElementsOf(run64.inputs().keySet());
        run64.parameters().forEach((name, g) -> pairs.put("parameters." + name,
                new Tensor[] {run32.parameters().get(name), g}));
        run64.inputs().forEach((name, g) -> pairs.put("inputs." + name, new Tensor[] {run32.inputs().get(name), g}));

        double worst = 0;
        for (Map.Entry<String, Tensor[]> entry : pairs.entrySet()) {
            Tensor single = entry.getValue()[0];
            Tensor dbl = entry.getValue()[1];
            assertThat(single.dtype()).as("dtype of %s in the float32 run", entry.getKey()).isEqualTo(DType.FLOAT32);
            assertThat(single.shape()).as("shape of %s", entry.getKey()).isEqualTo(dbl.shape());
            for (int i = 0; i < single.size(); i++) {
                double x = single.toDoubleArray()[i];
                double y = dbl.toDoubleArray()[i];
                double error = Math.abs(x - y) / Math.max(1, Math.abs(y));
                worst = Math.max(worst, error);
                if (!(error <= FLOAT32_TOLERANCE)) {
                    fail("%s: %s, element %d %s: float32 %s, float64 %s, difference %.3e > %.0e · max(1, |float64|)"
                            + "%nfloat32: %s%nfloat64: %s", label, entry.getKey(), i, position(single.shape(), i), x,
                            y, Math.abs(x - y), FLOAT32_TOLERANCE, single, dbl);
                }
            }
        }
        WORST.merge(label + " (float32 vs float64: |Δ| / max(1, |x|), limit 1e-4)", worst, Math::max);
        return worst;
    }

    // ---------------------------------------------------------------- kinks

    /** Discards the sample (jqwik's Assume) when an op sees an input within {@link #KINK_MARGIN} of a kink. */
    static void assumeAwayFromKinks(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        Assume.that(kinkDistance(graph, evaluate(graph, feeds, batchSeed)) >= KINK_MARGIN);
    }

    /** Every node's value, computed op by op as {@link ForwardPass} does (which does not expose them). */
    static Tensor[] evaluate(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        List<GraphNode> nodes = graph.nodes();
        Tensor[] values = new Tensor[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            GraphNode node = nodes.get(i);
            values[i] = switch (node.kind()) {
                case INPUT, TARGET -> feeds.get(node.name());
                case PARAMETER, CONSTANT -> node.value();
                case OP -> {
                    Tensor[] inputs = new Tensor[node.inputs().length];
                    for (int j = 0; j < inputs.length; j++) {
                        inputs[j] = values[node.inputs()[j]];
                    }
                    yield node.op().forBatch(batchSeed).forward(inputs).output();
                }
            };
        }
        return values;
    }

    /** How close any op of the graph comes to one of its kinks; infinite for a graph of smooth ops. */
    static double kinkDistance(CompiledGraph graph, Tensor[] values) {
        double distance = Double.POSITIVE_INFINITY;
        for (GraphNode node : graph.nodes()) {
            if (node.kind() != NodeKind.OP) {
                continue;
            }
            int[] in = node.inputs();
            Tensor a = values[in[0]];
            switch (node.op().name()) {
                case "relu" -> distance = Math.min(distance, min(a, Math::abs));
                case "dense" -> {
                    // ReLU's kink is at a pre-activation x·W + b of 0; the smooth activations have none.
                    if (((Dense) node.op()).activation() == Dense.Activation.RELU) {
                        Tensor z = new Dense(Dense.Activation.LINEAR).forward(new Tensor[] {a, values[in[1]],
                                values[in[2]]}).output();
                        distance = Math.min(distance, min(z, Math::abs));
                    }
                }
                case "abs" -> {
                    // An exact 0 of a parameter under abs is no kink for the stencil (see the class comment).
                    boolean parameter = graph.nodes().get(in[0]).kind() == NodeKind.PARAMETER;
                    distance = Math.min(distance,
                            min(a, x -> x == 0 && parameter ? Double.POSITIVE_INFINITY : Math.abs(x)));
                }
                case "max", "min" -> {
                    // max(v, v) of one node is no kink: both arguments move together.
                    if (in[0] != in[1]) {
                        distance = Math.min(distance, min(Broadcast.apply(a, values[in[1]], Broadcast.Arithmetic.SUB),
                                Math::abs));
                    }
                }
                case "clip" -> {
                    Clip clip = (Clip) node.op();
                    distance = Math.min(distance, min(a, x -> Math.min(Math.abs(x - clip.min()),
                            Math.abs(x - clip.max()))));
                }
                case "reduce-max" -> distance = Math.min(distance, maxGap(a, ((ReduceMax) node.op()).axis()));
                case "mean-absolute-error" -> {
                    if (in[0] != in[1]) {
                        distance = Math.min(distance, min(Broadcast.apply(a, values[in[1]], Broadcast.Arithmetic.SUB),
                                Math::abs));
                    }
                }
                case "categorical-cross-entropy", "binary-cross-entropy" -> distance = Math.min(distance,
                        min(a, p -> Math.min(Math.abs(p - CROSS_ENTROPY_CLIP), Math.abs(1 - CROSS_ENTROPY_CLIP - p))));
                default -> {
                    // smooth
                }
            }
        }
        return distance;
    }

    private static double min(Tensor tensor, DoubleUnaryOperator f) {
        double result = Double.POSITIVE_INFINITY;
        for (double v : tensor.toDoubleArray()) {
            result = Math.min(result, f.applyAsDouble(v));
        }
        return result;
    }

    /** The smallest gap between the largest and the second-largest element of any group reduce-max reduces. */
    private static double maxGap(Tensor input, Integer axis) {
        int[] shape = input.shape();
        double[] a = input.toDoubleArray();
        int outer = 1;
        int length = a.length;
        int inner = 1;
        if (axis != null) {
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            length = shape[axis];
            inner = a.length / (outer * length);
        }
        double gap = Double.POSITIVE_INFINITY;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double first = Double.NEGATIVE_INFINITY;
                double second = Double.NEGATIVE_INFINITY;
                for (int l = 0; l < length; l++) {
                    double v = a[(o * length + l) * inner + i];
                    if (v > first) {
                        second = first;
                        first = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                gap = Math.min(gap, first - second);
            }
        }
        return gap;
    }

    // ---------------------------------------------------------------- reporting

    /** The multi-index of flat element {@code index} of a tensor of {@code shape}, e.g. {@code [1, 0, 2]}. */
    static String position(int[] shape, int index) {
        int[] position = new int[shape.length];
        int rest = index;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            position[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        return Arrays.toString(position);
    }

    /** The sample as the definition JSON and the batch JSON that reproduce it. */
    static String describe(Case sample) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        Map<String, Object> targets = new LinkedHashMap<>();
        Set<String> targetNames = Set.of();
        try {
            targetNames = compile(sample.definition()).fedNodes().stream().filter(n -> n.kind() == NodeKind.TARGET)
                    .map(GraphNode::name).collect(Collectors.toSet());
        } catch (RuntimeException e) {
            // described as it is; the property itself reports why it does not compile
        }
        for (Map.Entry<String, Tensor> entry : new TreeMap<>(sample.feeds()).entrySet()) {
            (targetNames.contains(entry.getKey()) ? targets : inputs).put(entry.getKey(),
                    NestedArrays.toNested(entry.getValue()));
        }
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("inputs", inputs);
        if (!targets.isEmpty()) {
            batch.put("targets", targets);
        }
        return "\ndefinition: " + json(sample.definition()) + "\nbatch: " + json(batch) + "\nbatch seed: "
                + sample.batchSeed();
    }

    /** Compact JSON of a definition tree (maps, lists, strings, numbers, null). */
    static String json(Object tree) {
        StringBuilder out = new StringBuilder();
        json(tree, out);
        return out.toString();
    }

    private static void json(Object tree, StringBuilder out) {
        if (tree instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(first ? "" : ", ").append('"').append(entry.getKey()).append("\": ");
                json(entry.getValue(), out);
                first = false;
            }
            out.append('}');
        } else if (tree instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                json(list.get(i), out);
            }
            out.append(']');
        } else if (tree instanceof String text) {
            out.append('"').append(text).append('"');
        } else {
            out.append(tree);
        }
    }

    /** The worst agreement each label reached in this JVM, one line each, for the test log. */
    static String summary(String prefix) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(WORST).forEach((label, worst) -> {
            if (label.startsWith(prefix)) {
                out.append(String.format("  worst %-100s %.2e%n", label, worst));
            }
        });
        return out.toString();
    }
}
