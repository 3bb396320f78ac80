package dev.gradflow.core.wire;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ChainRuleTrace} inside a gradient record (or a failed tape record):
 * <pre>
 * int32    output node index
 * 1 byte   failed: 0 = no, 1 = yes, then int32 node index, string message
 * int32    tensor count, tensor each: every distinct tensor of the trace, once
 * int32    node count; per node: string name; 1 byte kind (as in tapes); string op ("" for a leaf);
 *          1 byte attribute count, float64 each (as in tapes);
 *          int32 value's tensor index; int32 gradient's tensor index, −1 when the forward pass failed
 * int32    edge count; per edge: int32 from, int32 to, 1 byte position, string rule;
 *          int32 tensor index of the local derivative (−1: none), int32 of the contribution (−1: none)
 * </pre>
 * An edge's upstream gradient is the gradient of the node it leads to, so it is not written twice. A gradient that
 * is one contribution (a value used once) is the same tensor, written once.
 */
public final class TraceCodec {
    private static final int MAX_NODES = 1_000_000;
    private static final int MAX_TENSORS = 16_000_000;

    private TraceCodec() {
    }

    static void write(WireWriter writer, ChainRuleTrace trace) {
        Map<Tensor, Integer> indices = new IdentityHashMap<>();
        List<Tensor> tensors = new ArrayList<>();
        for (ChainRuleTrace.Node node : trace.nodes()) {
            index(node.value(), indices, tensors);
            index(node.gradient(), indices, tensors);
        }
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            index(edge.local(), indices, tensors);
            index(edge.contribution(), indices, tensors);
        }
        writer.i32(trace.output());
        if (trace.failure() == null) {
            writer.u8(0);
        } else {
            writer.u8(1).i32(trace.failure().node()).string(trace.failure().message());
        }
        writer.i32(tensors.size());
        tensors.forEach(writer::tensor);
        writer.i32(trace.nodes().size());
        for (ChainRuleTrace.Node node : trace.nodes()) {
            writer.string(node.name()).u8(node.kind().ordinal()).string(node.op() == null ? "" : node.op())
                    .u8(node.attributes().size());
            node.attributes().forEach(writer::f64);
            writer.i32(indices.get(node.value())).i32(node.gradient() == null ? -1 : indices.get(node.gradient()));
        }
        writer.i32(trace.edges().size());
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            writer.i32(edge.from()).i32(edge.to()).u8(edge.position()).string(edge.rule())
                    .i32(edge.local() == null ? -1 : indices.get(edge.local()))
                    .i32(edge.contribution() == null ? -1 : indices.get(edge.contribution()));
        }
    }

    private static void index(Tensor tensor, Map<Tensor, Integer> indices, List<Tensor> tensors) {
        if (tensor != null) {
            indices.computeIfAbsent(tensor, t -> {
                tensors.add(t);
                return tensors.size() - 1;
            });
        }
    }

    /** @throws WireFormatException naming the field, for any index out of range or inconsistent edge */
    static ChainRuleTrace read(WireReader reader) {
        int output = reader.count("trace output index", MAX_NODES);
        ChainRuleTrace.Failure failure = null;
        int failed = reader.u8("trace failed");
        if (failed == 1) {
            failure = new ChainRuleTrace.Failure(reader.count("trace failing node", MAX_NODES),
                    reader.string("trace failure message"));
        } else if (failed != 0) {
            throw reader.error("trace failed flag " + failed + " is neither 0 nor 1");
        }
        int tensorCount = reader.count("trace tensor count", MAX_TENSORS);
        List<Tensor> tensors = new ArrayList<>(Math.min(tensorCount, 1024));
        for (int t = 0; t < tensorCount; t++) {
            tensors.add(reader.tensor("trace tensor " + t));
        }
        int nodeCount = reader.count("trace node count", MAX_NODES);
        NodeKind[] kinds = NodeKind.values();
        List<ChainRuleTrace.Node> nodes = new ArrayList<>(Math.min(nodeCount, 1024));
        boolean withGradients = true;
        for (int i = 0; i < nodeCount; i++) {
            String field = "trace node " + i;
            String name = reader.string(field + " name");
            int kind = reader.u8(field + " kind");
            if (kind >= kinds.length) {
                throw reader.error(field + ": unknown kind " + kind);
            }
            String op = reader.string(field + " op");
            int attributeCount = reader.u8(field + " attribute count");
            List<Double> attributes = new ArrayList<>(attributeCount);
            for (int a = 0; a < attributeCount; a++) {
                attributes.add(reader.f64(field + " attribute " + a));
            }
            Tensor value = tensor(reader, tensors, field + " value", false);
            Tensor gradient = tensor(reader, tensors, field + " gradient", true);
            if (i == 0) {
                withGradients = gradient != null;
            } else if (withGradients != (gradient != null)) {
                throw reader.error(field + ": gradients are given for some nodes and not for others");
            }
            nodes.add(new ChainRuleTrace.Node(i, name, kinds[kind], op.isEmpty() ? null : op, attributes, value,
                    gradient));
        }
        if (nodeCount > 0 && output >= nodeCount) {
            throw reader.error("trace output index " + output + " is outside the " + nodeCount + " nodes");
        }
        if (failure != null && failure.node() >= nodeCount) {
            throw reader.error("trace failing node " + failure.node() + " is outside the " + nodeCount + " nodes");
        }
        int edgeCount = reader.count("trace edge count", MAX_NODES * 4);
        List<ChainRuleTrace.Edge> edges = new ArrayList<>(Math.min(edgeCount, 1024));
        for (int k = 0; k < edgeCount; k++) {
            String field = "trace edge " + k;
            int from = reader.count(field + " from", MAX_NODES);
            int to = reader.count(field + " to", MAX_NODES);
            if (from >= to || to >= nodeCount) {
                throw reader.error(field + ": " + from + " → " + to + " does not run forward between the "
                        + nodeCount + " nodes");
            }
            int position = reader.u8(field + " position");
            String rule = reader.string(field + " rule");
            Tensor local = tensor(reader, tensors, field + " local", true);
            Tensor contribution = tensor(reader, tensors, field + " contribution", true);
            edges.add(new ChainRuleTrace.Edge(from, to, position, local, nodes.get(to).gradient(), contribution,
                    rule));
        }
        return new ChainRuleTrace(nodes, edges, output, failure);
    }

    private static Tensor tensor(WireReader reader, List<Tensor> tensors, String field, boolean optional) {
        int index = reader.i32(field + " tensor index");
        if (index == -1 && optional) {
            return null;
        }
        if (index < 0 || index >= tensors.size()) {
            throw reader.error(field + ": tensor index " + index + " is outside the " + tensors.size() + " tensors");
        }
        return tensors.get(index);
    }
}
