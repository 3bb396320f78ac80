package dev.gradflow.core.check;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * Compares the engine's gradients (backward pass, in the network's own dtype) with central finite differences of
 * the forward pass in float64, element by element, and reports the worst relative error per parameter and input.
 *
 * <p>The reference uses the five-point stencil {@code (8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h} on a
 * float64 copy of the network, whatever the network's dtype, with {@code h = step · max(1, |x|)}. The relative
 * error of an element is {@code |a − n| / max(|a|, |n|, floor)}: finite differences carry round-off of about
 * 1e-11 (machine epsilon times the loss over the step), so gradients smaller than the floor (1e-4 by default)
 * are compared at the floor's scale instead of their own, where a relative error would measure only that noise.
 * A network with a kink (ReLU, abs, max) can disagree legitimately where a step crosses it; the report names the
 * worst element so it can be looked at.
 */
public final class GradientCheck {

    /**
     * How much to check.
     *
     * @param maxElementsPerTensor elements checked per parameter or input; larger tensors are sampled, with a
     *     fixed seed, so the same request checks the same elements
     * @param step relative finite-difference step
     * @param floor the smallest denominator of a relative error; smaller gradients are compared at this scale
     */
    public record Options(int maxElementsPerTensor, double step, double floor) {
        public static final Options DEFAULT = new Options(32, 1e-5, 1e-4);

        public Options {
            if (maxElementsPerTensor < 1 || !(step > 0) || !(floor >= 0)) {
                throw new IllegalArgumentException("maxElementsPerTensor must be ≥ 1, step > 0, floor ≥ 0");
            }
        }
    }

    /**
     * The result for one parameter or input.
     *
     * @param worstRelativeError the largest relative error among the checked elements
     * @param worstElement flat index of that element
     * @param analytic the engine's gradient at that element
     * @param numeric the finite-difference gradient at that element
     * @param checkedElements how many elements were checked
     * @param totalElements how many the tensor has
     */
    public record TensorReport(double worstRelativeError, int worstElement, double analytic, double numeric,
            int checkedElements, int totalElements) {
    }

    /**
     * The whole check.
     *
     * @param dtype the network's dtype (the analytic gradients' precision)
     * @param tolerance the relative error the engine promises at this dtype
     * @param worstRelativeError the worst over every tensor
     * @param parameters per parameter, by name
     * @param inputs per input, by name
     */
    public record Report(DType dtype, double tolerance, double worstRelativeError, Map<String, TensorReport> parameters,
            Map<String, TensorReport> inputs) {
        public boolean passed() {
            return worstRelativeError <= tolerance;
        }
    }

    /** The relative error promised per dtype: float64 to 1e-6; float32 gradients carry float32 rounding. */
    public static double tolerance(DType dtype) {
        return dtype == DType.FLOAT64 ? 1e-6 : 1e-3;
    }

    private GradientCheck() {
    }

    /**
     * Runs the check.
     *
     * @param feeds the batch, as for {@link ForwardPass#record}
     * @param batchSeed the batch's seed (dropout masks), the same for every forward pass of the check
     * @throws dev.gradflow.core.graph.DefinitionException when the batch does not fit the network
     */
    public static Report run(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed, Options options) {
        GradientSet analytic = BackwardPass.run(ForwardPass.record(graph, feeds, batchSeed));
        CompiledGraph reference = toFloat64(graph);
        Map<String, Tensor> referenceFeeds = new HashMap<>();
        feeds.forEach((name, tensor) -> referenceFeeds.put(name, tensor.cast(DType.FLOAT64)));

        Map<String, TensorReport> parameters = new LinkedHashMap<>();
        Map<String, TensorReport> inputs = new LinkedHashMap<>();
        double worst = 0;
        for (int index = 0; index < reference.nodes().size(); index++) {
            GraphNode node = reference.nodes().get(index);
            TensorReport report;
            if (node.kind() == NodeKind.PARAMETER) {
                int position = index;
                report = check(analytic.parameters().get(node.name()), node.value(), options,
                        value -> output(withValue(reference, position, value), referenceFeeds, batchSeed));
                parameters.put(node.name(), report);
            } else if (node.kind() == NodeKind.INPUT) {
                String name = node.name();
                report = check(analytic.inputs().get(name), referenceFeeds.get(name), options, value -> {
                    Map<String, Tensor> shifted = new HashMap<>(referenceFeeds);
                    shifted.put(name, value);
                    return output(reference, shifted, batchSeed);
                });
                inputs.put(name, report);
            } else {
                continue;
            }
            worst = Math.max(worst, report.worstRelativeError());
        }
        return new Report(graph.dtype(), tolerance(graph.dtype()), worst, parameters, inputs);
    }

    /**
     * The derivative at 0 of {@code f}, by the five-point central difference
     * {@code (8(f(h) − f(−h)) − (f(2h) − f(−2h))) / 12h}, whose truncation error is O(h⁴). The one stencil of the
     * project: this check, the tests' finite-difference references and the property tests all use it.
     */
    public static double centralDifference(DoubleUnaryOperator f, double h) {
        return (8 * (f.applyAsDouble(h) - f.applyAsDouble(-h)) - (f.applyAsDouble(2 * h) - f.applyAsDouble(-2 * h)))
                / (12 * h);
    }

    /**
     * {@code |analytic − numeric| / max(|analytic|, |numeric|, floor)}: the relative error, except that gradients
     * smaller than {@code floor} are compared at the floor's scale, where finite differences resolve only noise. The
     * one definition of the project, used by this check and by the tests.
     */
    public static double relativeError(double analytic, double numeric, double floor) {
        return Math.abs(analytic - numeric) / Math.max(floor, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }

    /** The loss as a function of one tensor's value. */
    private interface Objective {
        double at(Tensor value);
    }

    private static TensorReport check(Tensor analytic, Tensor value, Options options, Objective objective) {
        int[] elements = sample(value.size(), options.maxElementsPerTensor());
        double worst = 0;
        int worstElement = elements.length == 0 ? -1 : elements[0];
        double worstAnalytic = 0;
        double worstNumeric = 0;
        for (int element : elements) {
            double x = value.getDouble(element);
            double h = options.step() * Math.max(1, Math.abs(x));
            double numeric = centralDifference(d -> objective.at(shifted(value, element, d)), h);
            double exact = analytic.getDouble(element);
            double error = relativeError(exact, numeric, options.floor());
            if (error > worst || element == elements[0]) {
                worst = Math.max(worst, error);
                worstElement = element;
                worstAnalytic = exact;
                worstNumeric = numeric;
            }
        }
        return new TensorReport(worst, worstElement, worstAnalytic, worstNumeric, elements.length, value.size());
    }

    /** All elements when there are few, otherwise a fixed-seed sample without repeats, in ascending order. */
    private static int[] sample(int size, int max) {
        if (size <= max) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        SplittableRandom random = new SplittableRandom(size);
        List<Integer> chosen = new ArrayList<>();
        BitSet taken = new BitSet(size);
        while (chosen.size() < max) {
            int candidate = random.nextInt(size);
            if (!taken.get(candidate)) {
                taken.set(candidate);
                chosen.add(candidate);
            }
        }
        return chosen.stream().sorted().mapToInt(Integer::intValue).toArray();
    }

    private static Tensor shifted(Tensor value, int element, double delta) {
        double[] data = value.toDoubleArray();
        data[element] += delta;
        return Tensor.of(value.dtype(), value.shape(), data);
    }

    private static double output(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        return ForwardPass.record(graph, feeds, batchSeed).outputValue().item();
    }

    private static CompiledGraph withValue(CompiledGraph graph, int index, Tensor value) {
        List<GraphNode> nodes = new ArrayList<>(graph.nodes());
        GraphNode node = nodes.get(index);
        nodes.set(index, new GraphNode(node.name(), node.kind(), node.shape(), node.op(), node.inputs(), value));
        return new CompiledGraph(graph.dtype(), nodes, graph.output());
    }

    /** The same graph with every stored value in float64. */
    static CompiledGraph toFloat64(CompiledGraph graph) {
        List<GraphNode> nodes = new ArrayList<>();
        for (GraphNode node : graph.nodes()) {
            Tensor value = node.value() == null ? null : node.value().cast(DType.FLOAT64);
            nodes.add(new GraphNode(node.name(), node.kind(), node.shape(), node.op(), node.inputs(), value));
        }
        return new CompiledGraph(DType.FLOAT64, nodes, graph.output());
    }
}
