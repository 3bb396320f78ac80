package dev.gradflow.core.train;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the training loop and the full gradient share: running one batch of a data set through the engine. */
final class Batches {
    /** The ops whose first saved tensor is the class probabilities [N, C] and second the targets. */
    private static final Set<String> CLASSIFICATION_LOSSES = Set.of("softmax-cross-entropy",
            "categorical-cross-entropy");

    private Batches() {
    }

    /**
     * One batch through the engine.
     *
     * @param loss the batch's loss, the network's output
     * @param gradients the gradient of that loss per parameter
     * @param correct rows whose most probable class is the target class, or −1 when the network's loss is not a
     *     categorical one
     */
    record Outcome(double loss, Map<String, Tensor> gradients, int correct) {
    }

    /** The forward and backward passes of {@code graph} on the given rows of {@code data}. */
    static Outcome run(CompiledGraph graph, LabelledData data, int[] rows, long batchSeed) {
        LabelledData batch = new LabelledData(gather(data.inputs(), rows), gather(data.targets(), rows));
        Tape tape = ForwardPass.record(graph, batch.feeds(), batchSeed);
        GradientSet gradients = BackwardPass.run(tape);
        return new Outcome(gradients.output().item(), gradients.parameters(), correct(tape));
    }

    /** The parameters a compiled graph holds, by name, in graph order. */
    static Map<String, Tensor> parametersOf(CompiledGraph graph) {
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        graph.nodes().stream().filter(n -> n.kind() == NodeKind.PARAMETER)
                .forEach(n -> parameters.put(n.name(), n.value()));
        return parameters;
    }

    /**
     * The same graph holding other parameter values: a compiled graph is a value, so every step builds a new one.
     *
     * @throws IllegalArgumentException unless {@code parameters} names exactly the graph's parameters, each in the
     *     graph's dtype and its declared shape
     */
    static CompiledGraph withParameters(CompiledGraph graph, Map<String, Tensor> parameters) {
        Set<String> expected = parametersOf(graph).keySet();
        if (!parameters.keySet().equals(expected)) {
            throw new IllegalArgumentException("parameters " + parameters.keySet() + " do not match the network's "
                    + expected);
        }
        List<GraphNode> nodes = graph.nodes().stream().map(n -> {
            if (n.kind() != NodeKind.PARAMETER) {
                return n;
            }
            Tensor value = parameters.get(n.name());
            if (value.dtype() != graph.dtype() || !Arrays.equals(value.shape(), n.shape())) {
                throw new IllegalArgumentException("parameter \"" + n.name() + "\" is " + value.dtype().label()
                        + " " + Shapes.format(value.shape()) + ", the network declares " + graph.dtype().label()
                        + " " + Shapes.format(n.shape()));
            }
            return new GraphNode(n.name(), n.kind(), n.shape(), n.op(), n.inputs(), value);
        }).toList();
        return new CompiledGraph(graph.dtype(), nodes, graph.output());
    }

    /** The rows {@code rows} of {@code tensor} along its first axis, stacked in that order. */
    static Tensor gather(Tensor tensor, int[] rows) {
        int width = tensor.size() / tensor.dim(0);
        double[] source = tensor.readDoubles();
        double[] values = new double[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(source, rows[r] * width, values, r * width, width);
        }
        int[] shape = tensor.shape().clone();
        shape[0] = rows.length;
        // float32 values widened and narrowed again: exact, so the batch holds the data set's own numbers.
        return Tensor.of(tensor.dtype(), shape, values);
    }

    /**
     * Counts the rows classified correctly, from what the categorical loss recorded: its probabilities (the
     * argmax of the logits, since softmax preserves order) against the class ids, or the argmax of one-hot rows.
     * Ties go to the first class, as NumPy's argmax breaks them. The first categorical loss on the tape is used; a
     * network without one has no accuracy.
     */
    static int correct(Tape tape) {
        for (TapeNode node : tape.nodes()) {
            if (node.op() == null || !CLASSIFICATION_LOSSES.contains(node.op())) {
                continue;
            }
            Tensor probabilities = node.saved().get(0);
            Tensor targets = node.saved().get(1);
            int n = probabilities.dim(0);
            int classes = probabilities.dim(1);
            double[] p = probabilities.readDoubles();
            double[] t = targets.readDoubles();
            int correct = 0;
            for (int row = 0; row < n; row++) {
                int target = targets.rank() == 1 ? (int) t[row] : argmax(t, row * classes, classes);
                if (argmax(p, row * classes, classes) == target) {
                    correct++;
                }
            }
            return correct;
        }
        return -1;
    }

    private static int argmax(double[] values, int from, int count) {
        int best = 0;
        for (int j = 1; j < count; j++) {
            if (values[from + j] > values[from + best]) {
                best = j;
            }
        }
        return best;
    }
}
