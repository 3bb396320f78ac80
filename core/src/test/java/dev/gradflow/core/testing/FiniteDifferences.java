package dev.gradflow.core.testing;

import dev.gradflow.core.check.GradientCheck;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reference for gradients: central differences in float64 using only the forward pass, with
 * each element perturbed in a copy of the graph. The stencil and the relative error are the project's one
 * definition each, {@link GradientCheck#centralDifference} (five points, O(h⁴) truncation, so a step of 1e-5 keeps
 * truncation far below the 1e-6 relative error the tests demand) and {@link GradientCheck#relativeError}.
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
            gradient[i] = GradientCheck.centralDifference(
                    h -> output(withParameter(graph, index, perturbed(value, element, h)), feeds), step);
        }
        return Tensor.of(value.dtype(), value.shape(), gradient);
    }

    /** The numerical gradient of the graph's output with respect to every element of the fed tensor {@code name}. */
    public static Tensor ofInput(CompiledGraph graph, Map<String, Tensor> feeds, String name, double step) {
        Tensor value = feeds.get(name);
        double[] gradient = new double[value.size()];
        for (int i = 0; i < gradient.length; i++) {
            int element = i;
            gradient[i] = GradientCheck.centralDifference(h -> {
                Map<String, Tensor> shifted = new HashMap<>(feeds);
                shifted.put(name, perturbed(value, element, h));
                return output(graph, shifted);
            }, step);
        }
        return Tensor.of(value.dtype(), value.shape(), gradient);
    }

    /**
     * The largest {@link GradientCheck#relativeError} between two gradients, element by element: elements with both
     * magnitudes under {@code floor} are held to {@code floor} times the tolerance in absolute terms, so a wrong
     * small gradient does not slip through, while the round-off of finite differences (about 1e-11 at a step of
     * 1e-5) is not mistaken for an error.
     */
    public static double maxRelativeError(Tensor analytic, Tensor numeric, double floor) {
        double[] a = analytic.toDoubleArray();
        double[] b = numeric.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, GradientCheck.relativeError(a[i], b[i], floor));
        }
        return worst;
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
