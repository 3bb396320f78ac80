package dev.gradflow.core.trace;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.Shapes;
import java.util.List;

/**
 * A {@link ChainRuleTrace} in Graphviz's DOT language, for {@code dot -Tsvg} or any renderer of DOT. Edges point the
 * way values flow (input → node); each is labelled with the chain rule at that point, flowing back: the local
 * derivative ∂node/∂input where the node is a scalar, the upstream gradient, and the contribution they make; where the
 * node is a tensor, the rule's form (such as {@code Aᵀ · G}), the upstream gradient and the contribution. A node
 * with several outgoing edges shows its gradient as the sum of their contributions (the gradient of a sum).
 */
public final class ChainRuleDot {
    private ChainRuleDot() {
    }

    public static String render(ChainRuleTrace trace) {
        StringBuilder dot = new StringBuilder("digraph chain_rule {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
                + "  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (ChainRuleTrace.Node node : trace.nodes()) {
            dot.append("  n").append(node.index()).append(" [label=\"").append(escape(label(trace, node)))
                    .append("\"").append(node.index() == trace.output() ? ", style=bold" : "")
                    .append(node.kind() == NodeKind.OP ? "" : ", shape=ellipse").append("];\n");
        }
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            dot.append("  n").append(edge.from()).append(" -> n").append(edge.to()).append(" [label=\"")
                    .append(escape(label(edge))).append("\"];\n");
        }
        return dot.append("}\n").toString();
    }

    private static String label(ChainRuleTrace trace, ChainRuleTrace.Node node) {
        StringBuilder text = new StringBuilder(node.name());
        text.append(node.op() != null ? " = " + node.op() : " (" + node.kind().name().toLowerCase(java.util.Locale.ROOT)
                + ")");
        if (node.value().rank() > 0) {
            text.append(' ').append(Shapes.format(node.value().shape()));
        }
        text.append("\nvalue ").append(TensorSummary.of(node.value()));
        text.append("\ngrad ").append(TensorSummary.of(node.gradient()));
        List<ChainRuleTrace.Edge> uses = trace.uses(node.index());
        if (uses.size() > 1 && node.gradient().size() == 1) {
            StringBuilder sum = new StringBuilder(" = ");
            for (int i = 0; i < uses.size(); i++) {
                sum.append(i == 0 ? "" : " + ").append(TensorSummary.of(uses.get(i).contribution()));
            }
            text.append(sum);
        }
        return text.toString();
    }

    private static String label(ChainRuleTrace.Edge edge) {
        if (edge.local() != null && edge.local().size() == 1) {
            return "∂ " + TensorSummary.of(edge.local()) + " × ↑ " + TensorSummary.of(edge.upstream()) + " = "
                    + TensorSummary.of(edge.contribution());
        }
        if (edge.local() != null) {
            return "∂ " + TensorSummary.of(edge.local()) + " × ↑ " + TensorSummary.of(edge.upstream()) + " → "
                    + TensorSummary.of(edge.contribution());
        }
        return edge.rule() + "\nG = " + TensorSummary.of(edge.upstream()) + "\n→ " + TensorSummary.of(edge.contribution());
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
