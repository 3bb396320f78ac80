package dev.gradflow.core.trace;

import java.util.List;

/**
 * A {@link ChainRuleTrace} in Graphviz's DOT language, for {@code dot -Tsvg} or any renderer of DOT: the
 * {@link TracePicture} of the trace, each box a node and each arrow an edge labelled with the chain rule at that
 * point. Edges point the way values flow (input → node).
 */
public final class ChainRuleDot {
    private ChainRuleDot() {
    }

    public static String render(ChainRuleTrace trace) {
        return render(TracePicture.of(trace));
    }

    public static String render(TracePicture picture) {
        StringBuilder dot = new StringBuilder("digraph chain_rule {\n  rankdir=LR;\n"
                + "  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (TracePicture.Box box : picture.boxes()) {
            StringBuilder label = new StringBuilder(box.title()).append("\n").append(box.subtitle());
            box.lines().forEach(line -> label.append("\n").append(line));
            if (box.failure() != null) {
                label.append("\nfailed: ").append(box.failure());
            }
            dot.append("  \"").append(escape(box.id())).append("\" [label=\"").append(escape(label.toString()))
                    .append('"').append(box.output() ? ", style=bold" : "")
                    .append(box.failure() != null ? ", color=red" : "")
                    .append(switch (box.role()) {
                        case OP -> "";
                        case LAYER -> ", shape=box3d";
                        default -> ", shape=ellipse";
                    }).append("];\n");
        }
        for (TracePicture.Arrow arrow : picture.arrows()) {
            dot.append("  \"").append(escape(arrow.from())).append("\" -> \"").append(escape(arrow.to()))
                    .append("\" [id=\"").append(escape(arrow.id())).append("\", label=\"")
                    .append(escape(String.join("\n", arrow.lines()))).append("\"];\n");
        }
        return dot.append("}\n").toString();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
