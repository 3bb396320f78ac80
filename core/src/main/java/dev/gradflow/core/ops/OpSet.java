package dev.gradflow.core.ops;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The closed op set: the only way an op name becomes an {@link Op}, from a definition (named attributes) or from
 * a tape (the numeric attributes {@link Op#attributes()} recorded). An unknown name fails with the known ones.
 */
public final class OpSet {

    /** How one op is built: the attributes it accepts, from a definition and from a tape. */
    private record Spec(Set<String> required, Set<String> optional, Function<Attributes, Op> fromDefinition,
            Function<double[], Op> fromTape) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        plain("add", new Add());
        plain("sub", new Sub());
        plain("mul", new Mul());
        plain("div", new Div());
        plain("neg", new Neg());
        plain("max", new Maximum());
        plain("min", new Minimum());
        plain("abs", new Abs());
        plain("sqrt", new Sqrt());
        plain("relu", new Relu());
        plain("sigmoid", new Sigmoid());
        plain("tanh", new Tanh());
        plain("exp", new Exp());
        plain("log", new Log());
        plain("matmul", new MatMul());
        plain("transpose", new Transpose());
        plain("softmax", new Softmax());
        plain("softmax-cross-entropy", new SoftmaxCrossEntropy());
        plain("categorical-cross-entropy", new CategoricalCrossEntropy());
        plain("binary-cross-entropy", new BinaryCrossEntropy());
        plain("mean-squared-error", new MeanSquaredError());
        plain("mean-absolute-error", new MeanAbsoluteError());
        SPECS.put("dense", new Spec(Set.of(), Set.of("activation"),
                a -> new Dense(a.has("activation") ? Dense.Activation.fromLabel(a.text("activation"))
                        : Dense.Activation.LINEAR),
                t -> new Dense(Dense.Activation.fromCode(exactly(t, 1, "dense")[0]))));
        SPECS.put("pow", new Spec(Set.of("exponent"), Set.of(),
                a -> new Pow(a.number("exponent")), t -> new Pow(exactly(t, 1, "pow")[0])));
        SPECS.put("clip", new Spec(Set.of("min", "max"), Set.of(),
                a -> new Clip(a.number("min"), a.number("max")),
                t -> new Clip(exactly(t, 2, "clip")[0], t[1])));
        SPECS.put("reshape", new Spec(Set.of("shape"), Set.of(),
                a -> new Reshape(a.integers("shape")), t -> new Reshape(integers(t))));
        SPECS.put("dropout", new Spec(Set.of("rate"), Set.of("seed"),
                a -> new Dropout(a.number("rate"), a.optionalLong("seed") == null ? 0 : a.optionalLong("seed")),
                t -> new Dropout(exactly(t, 3, "dropout")[0], Dropout.seedOf(t[1], t[2]))));
        axisOp("sum", Sum::new);
        axisOp("mean", Mean::new);
        axisOp("reduce-max", ReduceMax::new);
    }

    /** Every op name, sorted, for error messages and documentation. */
    public static final List<String> NAMES = SPECS.keySet().stream().sorted().toList();

    private OpSet() {
    }

    private static void plain(String name, Op op) {
        SPECS.put(name, new Spec(Set.of(), Set.of(), a -> op, t -> {
            exactly(t, 0, name);
            return op;
        }));
    }

    private static void axisOp(String name, Function<Integer, Op> factory) {
        SPECS.put(name, new Spec(Set.of(), Set.of("axis"), a -> factory.apply(a.optionalInteger("axis")), t -> {
            if (t.length > 1 || (t.length == 1 && t[0] != Math.rint(t[0]))) {
                throw new IllegalArgumentException(name + ": expected at most one integer axis attribute");
            }
            return factory.apply(t.length == 0 ? null : (int) t[0]);
        }));
    }

    private static double[] exactly(double[] attributes, int count, String name) {
        if (attributes.length != count) {
            throw new IllegalArgumentException(name + ": expected " + count + " attributes, got "
                    + attributes.length);
        }
        return attributes;
    }

    private static int[] integers(double[] attributes) {
        int[] result = new int[attributes.length];
        for (int i = 0; i < result.length; i++) {
            result[i] = (int) attributes[i];
        }
        return result;
    }

    public static boolean isKnown(String name) {
        return SPECS.containsKey(name);
    }

    /** The attribute names an op accepts, required ones first; empty for an unknown op. */
    public static Set<String> attributeNames(String name) {
        Spec spec = SPECS.get(name);
        if (spec == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>(spec.required());
        names.addAll(spec.optional());
        return names;
    }

    /**
     * The op for a name and its numeric attributes, as recorded on a tape.
     *
     * @throws UnknownOpException when the name is not in the closed set
     * @throws IllegalArgumentException when the attributes do not fit the op
     */
    public static Op fromTape(String name, double[] attributes) {
        Spec spec = SPECS.get(name);
        if (spec == null) {
            throw new UnknownOpException(name);
        }
        return spec.fromTape().apply(attributes);
    }

    /**
     * The op for a name and the attributes a definition gives it by name.
     *
     * @throws UnknownOpException when the name is not in the closed set
     * @throws AttributeException naming an attribute that is missing, unknown to the op, or out of range
     */
    public static Op fromDefinition(String name, Map<String, Object> attributes) {
        Spec spec = SPECS.get(name);
        if (spec == null) {
            throw new UnknownOpException(name);
        }
        for (String attribute : attributes.keySet()) {
            if (!spec.required().contains(attribute) && !spec.optional().contains(attribute)) {
                throw new AttributeException(attribute, "op \"" + name + "\" takes "
                        + (attributeNames(name).isEmpty() ? "no attributes" : "only " + attributeNames(name)));
            }
        }
        for (String attribute : spec.required()) {
            if (!attributes.containsKey(attribute)) {
                throw new AttributeException(attribute, "is required for op \"" + name + "\"");
            }
        }
        return spec.fromDefinition().apply(new Attributes(attributes));
    }
}
