package dev.gradflow.core.testing;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * An independent reference for gradients: central differences in float64 using only the forward pass, with
 * each element perturbed in a copy of the graph. The five-point stencil
 * {@code (8(f(p+h) − f(p−h)) − (f(p+2h) − f(p−2h))) / 12h} has an O(h⁴) truncation error, so a step of 1e-5
 * keeps both truncation and round-off far below the 1e-6 relative error the tests demand.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** The numerical gradient of the graph's output with respect to every element of parameter {@code name}. */
    public static Tensor ofParameter(CompiledGraph graph, Map<String, Tensor> feeds, String name, double step) {
        int index = indexOf(graph, name);
        Tensor value = graph.nodes().get(index).value();
        double[] gradient = new double[value.size()];
        for (int i = 0; i < gradient.length; i++) {
            int element = i;
            gradient[i] = stencil(h -> output(withParameter(graph, index, perturbed(value, element, h)), feeds), step);
        }
        return Tensor.of(value.dtype(), value.shape(), gradient);
    }

    /** The numerical gradient of the graph's output with respect to every element of the fed tensor {@code name}. */
    public static Tensor ofInput(CompiledGraph graph, Map<String, Tensor> feeds, String name, double step) {
        Tensor value = feeds.get(name);
        double[] gradient = new double[value.size()];
        for (int i = 0; i < gradient.length; i++) {
            int element = i;
            gradient[i] = stencil(h -> {
                Map<String, Tensor> shifted = new HashMap<>(feeds);
                shifted.put(name, perturbed(value, element, h));
                return output(graph, shifted);
            }, step);
        }
        return Tensor.of(value.dtype(), value.shape(), gradient);
    }

    /**
     * The largest relative error between two gradients, {@code |a − b| / max(|a|, |b|)}, where elements with both
     * magnitudes under {@code floor} count as agreeing (a relative error of two zeros is meaningless).
     */
    public static double maxRelativeError(Tensor analytic, Tensor numeric, double floor) {
        double worst = 0;
        for (int i = 0; i < analytic.size(); i++) {
            double a = analytic.toDoubleArray()[i];
            double b = numeric.toDoubleArray()[i];
            double scale = Math.max(Math.abs(a), Math.abs(b));
            if (scale >= floor) {
                worst = Math.max(worst, Math.abs(a - b) / scale);
            }
        }
        return worst;
    }

    private static double stencil(DoubleUnaryOperator f, double h) {
        return (8 * (f.applyAsDouble(h) - f.applyAsDouble(-h)) - (f.applyAsDouble(2 * h) - f.applyAsDouble(-2 * h)))
                / (12 * h);
    }

    private static double output(CompiledGraph graph, Map<String, Tensor> feeds) {
        return ForwardPass.record(graph, feeds).outputValue().item();
    }

    private static int indexOf(CompiledGraph graph, String name) {
        for (int i = 0; i < graph.nodes().size(); i++) {
            GraphNode node = graph.nodes().get(i);
            if (node.name().equals(name) && node.kind() == NodeKind.PARAMETER) {
                return i;
            }
        }
        throw new IllegalArgumentException("no parameter " + name);
    }

    private static Tensor perturbed(Tensor value, int element, double step) {
        double[] data = value.toDoubleArray().clone();
        data[element] += step;
        return Tensor.of(value.dtype(), value.shape(), data);
    }

    private static CompiledGraph withParameter(CompiledGraph graph, int index, Tensor value) {
        List<GraphNode> nodes = new ArrayList<>(graph.nodes());
        GraphNode node = nodes.get(index);
        nodes.set(index, new GraphNode(node.name(), node.kind(), node.shape(), node.op(), node.inputs(), value));
        return new CompiledGraph(graph.dtype(), nodes, graph.output());
    }
}
