package dev.gradflow.core.trace;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a picture of a {@link ChainRuleTrace} shows, before anyone draws it: boxes, arrows between them, and the
 * text on each. DOT ({@link ChainRuleDot}) and SVG are two drawings of the same picture, so they cannot disagree on
 * a number.
 *
 * <p>Arrows point the way values flow (input → node) and carry the chain rule flowing back: the local derivative,
 * the upstream gradient and the contribution. A node's box shows its value and gradient, and where its gradient is
 * the sum of several contributions, that sum.
 *
 * <p>Nodes may be grouped (the layers of a layer-list network): a collapsed group is one box, with the value and
 * gradient of the node whose value leaves the group and the gradients of the group's parameters; the arrows inside
 * it are not drawn. An expanded group draws each of its nodes.
 *
 * @param boxes in the trace's order; a group's box where its first node would be
 * @param arrows in the trace's edge order
 */
public record TracePicture(List<Box> boxes, List<Arrow> arrows) {
    public TracePicture {
        boxes = List.copyOf(boxes);
        arrows = List.copyOf(arrows);
    }

    /** What a box stands for, which decides how it is drawn. */
    public enum Role {
        INPUT, TARGET, PARAMETER, CONSTANT, OP, LAYER;

        static Role of(NodeKind kind) {
            return switch (kind) {
                case INPUT -> INPUT;
                case TARGET -> TARGET;
                case PARAMETER -> PARAMETER;
                case CONSTANT -> CONSTANT;
                default -> OP;
            };
        }

        /** Lower case, for CSS classes and JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One box.
     *
     * @param id unique within the picture and stable across drawings: {@code n<index>} for a node,
     *     {@code layer-<group>} for a collapsed group
     * @param title the node's or the group's name
     * @param subtitle the op (or the leaf's kind) and the shape; for a group, the ops inside it
     * @param lines the value and the gradient, and for a group its parameters' gradients
     * @param output whether the box is or holds the output node
     * @param failure why the batch failed at this node, or null
     */
    public record Box(String id, Role role, String title, String subtitle, List<String> lines, boolean output,
            String failure) {
        public Box {
            lines = List.copyOf(lines);
        }
    }

    /**
     * One arrow: an edge of the trace, or an edge into or out of a collapsed group drawn from or to the group's box.
     *
     * @param id {@code e<k>}, k the edge's position in {@link ChainRuleTrace#edges()}
     * @param from the box the value comes from
     * @param to the box that reads it
     * @param lines the chain rule along the edge
     */
    public record Arrow(String id, String from, String to, List<String> lines) {
        public Arrow {
            lines = List.copyOf(lines);
        }
    }

    /** Every node its own box. */
    public static TracePicture of(ChainRuleTrace trace) {
        return of(trace, Map.of(), Set.of());
    }

    /**
     * Nodes grouped.
     *
     * @param groups the group of each grouped node, by node name; nodes not named are drawn on their own
     * @param expanded the groups drawn node by node
     */
    public static TracePicture of(ChainRuleTrace trace, Map<String, String> groups, Set<String> expanded) {
        Map<Integer, String> boxOf = new LinkedHashMap<>();
        Map<String, List<ChainRuleTrace.Node>> collapsed = new LinkedHashMap<>();
        for (ChainRuleTrace.Node node : trace.nodes()) {
            String group = groups.get(node.name());
            if (group != null && !expanded.contains(group)) {
                boxOf.put(node.index(), "layer-" + group);
                collapsed.computeIfAbsent(group, g -> new ArrayList<>()).add(node);
            } else {
                boxOf.put(node.index(), "n" + node.index());
            }
        }
        List<Box> boxes = new ArrayList<>();
        Set<String> drawnGroups = new java.util.HashSet<>();
        for (ChainRuleTrace.Node node : trace.nodes()) {
            String group = groups.get(node.name());
            if (group != null && !expanded.contains(group)) {
                if (drawnGroups.add(group)) {
                    boxes.add(groupBox(trace, group, collapsed.get(group), boxOf));
                }
            } else {
                boxes.add(nodeBox(trace, node));
            }
        }
        List<Arrow> arrows = new ArrayList<>();
        for (int k = 0; k < trace.edges().size(); k++) {
            ChainRuleTrace.Edge edge = trace.edges().get(k);
            String from = boxOf.get(edge.from());
            String to = boxOf.get(edge.to());
            if (!from.equals(to)) {
                arrows.add(new Arrow("e" + k, from, to, edgeLines(edge)));
            }
        }
        arrows.sort(java.util.Comparator.comparingInt(arrow -> Integer.parseInt(arrow.id().substring(1))));
        return new TracePicture(boxes, arrows);
    }

    private static Box nodeBox(ChainRuleTrace trace, ChainRuleTrace.Node node) {
        String subtitle = (node.op() != null ? node.op() : node.kind().name().toLowerCase(Locale.ROOT))
                + (node.value().rank() > 0 ? " " + Shapes.format(node.value().shape()) : "");
        List<String> lines = new ArrayList<>();
        lines.add("value " + TensorSummary.of(node.value()));
        if (node.gradient() != null) {
            String gradient = "grad " + TensorSummary.of(node.gradient());
            List<ChainRuleTrace.Edge> uses = trace.uses(node.index());
            if (uses.size() > 1 && node.gradient().size() == 1) {
                StringBuilder sum = new StringBuilder(" = ");
                for (int i = 0; i < uses.size(); i++) {
                    sum.append(i == 0 ? "" : " + ").append(TensorSummary.of(uses.get(i).contribution()));
                }
                gradient += sum;
            } else if (uses.size() > 1) {
                gradient += " (sum of " + uses.size() + " contributions)";
            }
            lines.add(gradient);
        }
        String failure = trace.failure() != null && trace.failure().node() == node.index()
                ? trace.failure().message() : null;
        return new Box("n" + node.index(), Role.of(node.kind()), node.name(), subtitle, lines,
                node.index() == trace.output(), failure);
    }

    private static Box groupBox(ChainRuleTrace trace, String group, List<ChainRuleTrace.Node> members,
            Map<Integer, String> boxOf) {
        String id = "layer-" + group;
        // The node whose value leaves the group: the last op read from outside it (or the output itself).
        ChainRuleTrace.Node out = null;
        List<String> ops = new ArrayList<>();
        boolean output = false;
        String failure = null;
        for (ChainRuleTrace.Node member : members) {
            if (member.op() != null) {
                ops.add(member.op());
                out = member;
            }
            output |= member.index() == trace.output();
            if (trace.failure() != null && trace.failure().node() == member.index()) {
                failure = member.name() + ": " + trace.failure().message();
            }
        }
        // Of the edges leaving the group, the one read first is the layer's output (a penalty term is read later,
        // by the loss).
        int firstReader = Integer.MAX_VALUE;
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            if (boxOf.get(edge.from()).equals(id) && !boxOf.get(edge.to()).equals(id) && edge.to() < firstReader) {
                firstReader = edge.to();
                out = trace.nodes().get(edge.from());
            }
        }
        List<String> lines = new ArrayList<>();
        if (out != null) {
            lines.add("out " + Shapes.format(out.value().shape()) + ": " + out.name());
            lines.add("value " + TensorSummary.of(out.value()));
            if (out.gradient() != null) {
                lines.add("grad " + TensorSummary.of(out.gradient()));
            }
        }
        for (ChainRuleTrace.Node member : members) {
            if (member.kind() == NodeKind.PARAMETER && member.gradient() != null) {
                String name = member.name().startsWith(group + ".") ? member.name().substring(group.length() + 1)
                        : member.name();
                lines.add("∇ " + name + " " + TensorSummary.of(member.gradient()));
            }
        }
        return new Box(id, Role.LAYER, group, String.join(" → ", ops), lines, output, failure);
    }

    private static List<String> edgeLines(ChainRuleTrace.Edge edge) {
        if (edge.contribution() == null) {
            return List.of();
        }
        if (edge.local() != null && edge.local().size() == 1) {
            return List.of("∂ " + TensorSummary.of(edge.local()) + " × ↑ " + TensorSummary.of(edge.upstream())
                    + " = " + TensorSummary.of(edge.contribution()));
        }
        if (edge.local() != null) {
            return List.of("∂ " + TensorSummary.of(edge.local()) + " × ↑ " + TensorSummary.of(edge.upstream()),
                    "→ " + TensorSummary.of(edge.contribution()));
        }
        return List.of(edge.rule(), "G = " + TensorSummary.of(edge.upstream()),
                "→ " + TensorSummary.of(edge.contribution()));
    }
}
