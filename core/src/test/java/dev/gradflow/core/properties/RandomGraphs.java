package dev.gradflow.core.properties;

import dev.gradflow.core.graph.NestedArrays;
import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Random expression graphs: 2 to 4 leaves (inputs and parameters of shapes [m, n], [n], [m, 1] or [], m and n in
 * 1..4), then op nodes whose operands are earlier nodes or leaves (the same one twice is allowed, and a node may
 * feed several others, so gradients accumulate), and a scalar output: the sum (or mean) of every node nothing
 * else reads, added up. All shapes are cut from [m, n] (axes dropped on the left or set to 1), so any two of them
 * broadcast, and the reductions keep that true (whole tensor, or axis 0).
 *
 * <p>jqwik generates the raw choices (which op, which operands, which variant), so shrinking simplifies the graph;
 * they are interpreted against the nodes built so far. Every node carries an interval that bounds its values,
 * derived by interval arithmetic from the leaves' actual values, and an op is only offered where its domain is
 * safe: log and sqrt on values ≥ 0.2, exp on values ≤ 3, division by values at least 0.5 away from 0, fractional
 * and negative powers on values ≥ 0.3, and no op whose result could exceed 30 in magnitude. The kinked ops (relu,
 * abs, max, min, clip, reduce-max) are on the menu too; {@link Harness} discards the samples that land near a kink.
 */
final class RandomGraphs {
    private static final double BOUND = 30;
    static final List<String> MENU = List.of("add", "sub", "mul", "div", "neg", "exp", "log", "sqrt",
            "sigmoid", "tanh", "pow", "softmax", "sum", "mean", "reduce-max", "relu", "abs", "max", "min", "clip",
            "dropout");
    private static final double[] EXPONENTS = {2, 3, -1, 0.5, 1.5, -0.5};
    private static final double[] DROPOUT_RATES = {0, 0.2, 0.5};

    private RandomGraphs() {
    }

    /** A leaf: its shape (0: [m, n], 1: [n], 2: [m, 1], 3: []), its role, its domain and 16 raw values in [0, 1]. */
    record Leaf(int shapeKind, boolean parameter, boolean positive, List<Double> raw) {
    }

    /** One op node: raw numbers that pick the operands, the op among those applicable, and its attributes. */
    record Choice(int left, int right, int op, int variant) {
    }

    /** Everything jqwik generates for one graph. */
    record Spec(int m, int n, List<Leaf> leaves, List<Choice> choices, boolean meanAtEnd, long batchSeed) {
    }

    static Arbitrary<GraphCase> graphs(int minNodes, int maxNodes) {
        Arbitrary<Integer> dim = Arbitraries.integers().between(1, 4);
        Arbitrary<Double> raw = Arbitraries.doubles().between(0, 1).ofScale(7)
                .withDistribution(RandomDistribution.uniform());
        Arbitrary<Leaf> leaf = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.of(true, false),
                Arbitraries.of(false, true), raw.list().ofSize(16)).as(Leaf::new);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 999);
        Arbitrary<Choice> choice = Combinators.combine(pick, pick, pick, pick).as(Choice::new);
        return Combinators.combine(dim, dim, leaf.list().ofMinSize(2).ofMaxSize(4),
                choice.list().ofMinSize(minNodes).ofMaxSize(maxNodes), Arbitraries.of(false, true),
                Arbitraries.longs()).as(Spec::new).map(RandomGraphs::build);
    }

    /** A value of the graph: a leaf or an op node, with a bound on its elements. */
    private record Value(String name, int[] shape, double low, double high) {
        double magnitude() {
            return Math.max(Math.abs(low), Math.abs(high));
        }
    }

    /** A built graph and its batch. */
    record GraphCase(Map<String, Object> definition, Map<String, Tensor> feeds, long batchSeed, List<String> ops,
            boolean reusesANode) implements Harness.Case {
        @Override
        public String toString() {
            return ops.size() + " op nodes " + ops + Harness.describe(this);
        }
    }

    static GraphCase build(Spec spec) {
        int m = spec.m();
        int n = spec.n();
        List<Value> values = new ArrayList<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        Map<String, Object> parameters = new LinkedHashMap<>();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (int i = 0; i < spec.leaves().size(); i++) {
            Leaf leaf = spec.leaves().get(i);
            int[] shape = switch (leaf.shapeKind()) {
                case 0 -> new int[] {m, n};
                case 1 -> new int[] {n};
                case 2 -> new int[] {m, 1};
                default -> new int[0];
            };
            double low = leaf.positive() ? 0.5 : -2;
            double high = 2;
            double[] data = new double[Shapes.size(shape)];
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < data.length; j++) {
                data[j] = Harness.float32(low + (high - low) * leaf.raw().get(j));
                min = Math.min(min, data[j]);
                max = Math.max(max, data[j]);
            }
            Tensor value = Tensor.of(shape, data);
            String name = (leaf.parameter() ? "w" : "x") + i;
            if (leaf.parameter()) {
                parameters.put(name, Map.of("value", NestedArrays.toNested(value)));
            } else {
                inputs.put(name, Map.of("shape", Arrays.stream(shape).boxed().toList()));
                feeds.put(name, value);
            }
            // The bound covers the finite-difference perturbations (2e-5) with room to spare.
            values.add(new Value(name, shape, min - 0.01, max + 0.01));
        }

        List<Map<String, Object>> nodes = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        Map<String, Integer> reads = new HashMap<>();
        int leafCount = values.size();
        for (int i = 0; i < spec.choices().size(); i++) {
            Choice choice = spec.choices().get(i);
            // Half the time the first operand is the newest value, which makes the graphs deep rather than wide.
            Value a = choice.left() % 2 == 0 ? values.get(values.size() - 1)
                    : values.get((choice.left() / 2) % values.size());
            Value b = values.get(choice.right() % values.size());
            List<Value> candidates = new ArrayList<>();
            List<Map<String, Object>> candidateNodes = new ArrayList<>();
            String name = "n" + i;
            for (String op : MENU) {
                Map<String, Object> node = new LinkedHashMap<>();
                Value result = apply(op, name, a, b, choice.variant(), node);
                if (result != null && result.magnitude() <= BOUND) {
                    candidates.add(result);
                    candidateNodes.add(node);
                }
            }
            int picked = choice.op() % candidates.size();
            Map<String, Object> node = candidateNodes.get(picked);
            nodes.add(node);
            values.add(candidates.get(picked));
            ops.add((String) node.get("op"));
            @SuppressWarnings("unchecked")
            List<String> operands = (List<String>) node.get("inputs");
            for (String operand : operands) {
                reads.merge(operand, 1, Integer::sum);
            }
        }
        boolean reuse = reads.values().stream().anyMatch(count -> count > 1);

        // Every op node nothing reads is reduced to a scalar, and those scalars are added up.
        String total = null;
        String reduction = spec.meanAtEnd() ? "mean" : "sum";
        for (int i = leafCount; i < values.size(); i++) {
            Value value = values.get(i);
            if (reads.containsKey(value.name())) {
                continue;
            }
            String scalar = value.name() + "." + reduction;
            nodes.add(node(scalar, reduction, value.name()));
            if (total == null) {
                total = scalar;
            } else {
                String sum = "total." + i;
                nodes.add(node(sum, "add", total, scalar));
                total = sum;
            }
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("kind", "graph");
        tree.put("dtype", "float64");
        tree.put("inputs", inputs);
        tree.put("parameters", parameters);
        tree.put("nodes", nodes);
        tree.put("output", total);
        return new GraphCase(tree, feeds, spec.batchSeed(), ops, reuse);
    }

    private static Map<String, Object> node(String name, String op, String... inputs) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", name);
        node.put("op", op);
        node.put("inputs", List.of(inputs));
        return node;
    }

    /**
     * The value {@code op} makes of {@code a} (and {@code b}), filling in its definition node, or null when the
     * op is not safe there.
     */
    private static Value apply(String op, String name, Value a, Value b, int variant, Map<String, Object> node) {
        node.put("name", name);
        node.put("op", op);
        node.put("inputs", List.of(a.name()));
        double l = a.low();
        double h = a.high();
        int[] shape = a.shape();
        switch (op) {
            case "add", "sub", "mul", "div", "max", "min" -> {
                int[] broadcast = Broadcast.shape(a.shape(), b.shape());
                if (broadcast == null) {
                    return null;
                }
                node.put("inputs", List.of(a.name(), b.name()));
                double bl = b.low();
                double bh = b.high();
                return switch (op) {
                    case "add" -> new Value(name, broadcast, l + bl, h + bh);
                    case "sub" -> new Value(name, broadcast, l - bh, h - bl);
                    case "mul" -> product(name, broadcast, l, h, bl, bh);
                    case "div" -> bl >= 0.5 || bh <= -0.5 ? product(name, broadcast, l, h, 1 / bh, 1 / bl) : null;
                    case "max" -> new Value(name, broadcast, Math.max(l, bl), Math.max(h, bh));
                    default -> new Value(name, broadcast, Math.min(l, bl), Math.min(h, bh));
                };
            }
            case "neg" -> {
                return new Value(name, shape, -h, -l);
            }
            case "exp" -> {
                return h <= 3 ? new Value(name, shape, Math.exp(l), Math.exp(h)) : null;
            }
            case "log" -> {
                return l >= 0.2 ? new Value(name, shape, Math.log(l), Math.log(h)) : null;
            }
            case "sqrt" -> {
                return l >= 0.2 ? new Value(name, shape, Math.sqrt(l), Math.sqrt(h)) : null;
            }
            case "sigmoid" -> {
                return new Value(name, shape, 1 / (1 + Math.exp(-l)), 1 / (1 + Math.exp(-h)));
            }
            case "tanh" -> {
                return new Value(name, shape, Math.tanh(l), Math.tanh(h));
            }
            case "relu" -> {
                return new Value(name, shape, Math.max(l, 0), Math.max(h, 0));
            }
            case "abs" -> {
                return l >= 0 ? new Value(name, shape, l, h) : h <= 0 ? new Value(name, shape, -h, -l)
                        : new Value(name, shape, 0, Math.max(-l, h));
            }
            case "pow" -> {
                double c = EXPONENTS[variant % EXPONENTS.length];
                node.put("exponent", c);
                if (c == 2) {
                    return l >= 0 ? new Value(name, shape, l * l, h * h) : h <= 0 ? new Value(name, shape, h * h, l * l)
                            : new Value(name, shape, 0, Math.max(l * l, h * h));
                }
                if (c == 3) {
                    return new Value(name, shape, l * l * l, h * h * h);
                }
                if (l < 0.3) {
                    return null;
                }
                return c > 0 ? new Value(name, shape, Math.pow(l, c), Math.pow(h, c))
                        : new Value(name, shape, Math.pow(h, c), Math.pow(l, c));
            }
            case "clip" -> {
                double min = -1 + 0.25 * (variant % 5);
                double max = min + 0.5 + 0.5 * ((variant / 5) % 4);
                node.put("min", min);
                node.put("max", max);
                return new Value(name, shape, Math.min(Math.max(l, min), max), Math.min(Math.max(h, min), max));
            }
            case "dropout" -> {
                double rate = DROPOUT_RATES[variant % DROPOUT_RATES.length];
                node.put("rate", rate);
                node.put("seed", variant);
                double scale = 1 / (1 - rate);
                return new Value(name, shape, Math.min(0, l * scale), Math.max(0, h * scale));
            }
            case "softmax" -> {
                if (shape.length == 0) {
                    return null;
                }
                int width = shape[shape.length - 1];
                return new Value(name, shape, 1 / (1 + (width - 1) * Math.exp(h - l)),
                        1 / (1 + (width - 1) * Math.exp(l - h)));
            }
            case "sum", "mean", "reduce-max" -> {
                boolean whole = variant % 2 == 0 || shape.length == 0;
                int count = whole ? Shapes.size(shape) : shape[0];
                int[] reduced = whole ? new int[0] : Shapes.remove(shape, 0);
                if (!whole) {
                    node.put("axis", 0);
                }
                return op.equals("sum") ? new Value(name, reduced, l * count, h * count)
                        : new Value(name, reduced, l, h);
            }
            default -> throw new IllegalArgumentException(op);
        }
    }

    private static Value product(String name, int[] shape, double l, double h, double bl, double bh) {
        double[] corners = {l * bl, l * bh, h * bl, h * bh};
        return new Value(name, shape, Arrays.stream(corners).min().orElseThrow(),
                Arrays.stream(corners).max().orElseThrow());
    }
}
