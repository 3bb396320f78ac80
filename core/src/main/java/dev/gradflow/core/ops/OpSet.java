package dev.gradflow.core.ops;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The only way an op name becomes an {@link Op}: from a definition (named attributes) or from the tape (numeric
 * attributes). An unknown name fails with the list of known ones.
 */
public final class OpSet {
    private static final Map<String, Function<double[], Op>> FROM_TAPE = Map.ofEntries(
            Map.entry("add", attributes -> new Add()),
            Map.entry("sub", attributes -> new Sub()),
            Map.entry("mul", attributes -> new Mul()),
            Map.entry("div", attributes -> new Div()),
            Map.entry("neg", attributes -> new Neg()),
            Map.entry("pow", attributes -> new Pow(single("pow", "exponent", attributes))),
            Map.entry("max", attributes -> new Maximum()),
            Map.entry("relu", attributes -> new Relu()),
            Map.entry("exp", attributes -> new Exp()),
            Map.entry("log", attributes -> new Log()),
            Map.entry("matmul", attributes -> new MatMul()),
            Map.entry("transpose", attributes -> new Transpose()),
            Map.entry("sum", attributes -> new Sum(optionalAxis(attributes))),
            Map.entry("mean", attributes -> new Mean(optionalAxis(attributes))),
            Map.entry("softmax-cross-entropy", attributes -> new SoftmaxCrossEntropy()),
            Map.entry("mean-squared-error", attributes -> new MeanSquaredError()));

    /** Every op name, sorted, for error messages and documentation. */
    public static final List<String> NAMES = FROM_TAPE.keySet().stream().sorted().toList();

    private OpSet() {
    }

    public static boolean isKnown(String name) {
        return FROM_TAPE.containsKey(name);
    }

    /**
     * The op for a name and its numeric attributes, as recorded on a tape.
     *
     * @throws UnknownOpException when the name is not in the closed set
     * @throws IllegalArgumentException when the attributes do not fit the op
     */
    public static Op fromTape(String name, double[] attributes) {
        Function<double[], Op> factory = FROM_TAPE.get(name);
        if (factory == null) {
            throw new UnknownOpException(name);
        }
        return factory.apply(attributes);
    }

    /**
     * The op for a name and the attributes a definition gives by name.
     *
     * @param exponent {@code pow}'s exponent; must be given for pow and only for pow
     * @param axis the axis of {@code sum} or {@code mean}; null for the whole tensor; only for those two
     * @throws UnknownOpException when the name is not in the closed set
     * @throws IllegalArgumentException naming the attribute that is missing or out of place
     */
    public static Op fromDefinition(String name, Double exponent, Integer axis) {
        if (!isKnown(name)) {
            throw new UnknownOpException(name);
        }
        boolean isPow = name.equals("pow");
        boolean isReduction = name.equals("sum") || name.equals("mean");
        if (isPow && exponent == null) {
            throw new IllegalArgumentException("exponent: required for op 'pow'");
        }
        if (!isPow && exponent != null) {
            throw new IllegalArgumentException("exponent: only op 'pow' takes an exponent, not '" + name + "'");
        }
        if (!isReduction && axis != null) {
            throw new IllegalArgumentException("axis: only ops 'sum' and 'mean' take an axis, not '" + name + "'");
        }
        return switch (name) {
            case "pow" -> new Pow(exponent);
            case "sum" -> new Sum(axis);
            case "mean" -> new Mean(axis);
            default -> fromTape(name, new double[0]);
        };
    }

    private static double single(String op, String attribute, double[] attributes) {
        if (attributes.length != 1) {
            throw new IllegalArgumentException(op + ": expected one attribute (" + attribute + "), got "
                    + attributes.length);
        }
        return attributes[0];
    }

    private static Integer optionalAxis(double[] attributes) {
        if (attributes.length == 0) {
            return null;
        }
        if (attributes.length != 1 || attributes[0] != Math.rint(attributes[0])) {
            throw new IllegalArgumentException("expected at most one integer axis attribute");
        }
        return (int) attributes[0];
    }
}
