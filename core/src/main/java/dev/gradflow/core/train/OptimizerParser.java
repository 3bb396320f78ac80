package dev.gradflow.core.train;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.JsonTree;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an optimizer from a JSON tree (what any JSON parser makes of a request body: maps, lists, strings, numbers,
 * booleans, nulls), such as {@code {"type": "adam", "learningRate": 0.001, "beta1": 0.9}}. Options left out take
 * the book's defaults; an unknown type or option is an error naming the field, never ignored.
 *
 * <table>
 *   <caption>Types and their options (the book's names in parentheses)</caption>
 *   <tr><th>type</th><th>options</th></tr>
 *   <tr><td>{@code sgd}</td><td>learningRate (learning_rate), decay, momentum</td></tr>
 *   <tr><td>{@code adagrad}</td><td>learningRate, decay, epsilon</td></tr>
 *   <tr><td>{@code rmsprop}</td><td>learningRate, decay, epsilon, rho</td></tr>
 *   <tr><td>{@code adam}</td><td>learningRate, decay, epsilon, beta1 (beta_1), beta2 (beta_2)</td></tr>
 * </table>
 */
public final class OptimizerParser {
    /** The optimizer types, in the book's order. */
    public static final List<String> TYPES = List.of("sgd", "adagrad", "rmsprop", "adam");

    private OptimizerParser() {
    }

    /** {@link #parse(Object, String)} at the field {@code optimizer}. */
    public static Optimizer parse(Object tree) {
        return parse(tree, Hyperparameters.ROOT);
    }

    /**
     * @param tree the optimizer's JSON object
     * @param path where the object sits in the request, for error messages, e.g. {@code optimizer}
     * @throws DefinitionException naming the field ({@code optimizer.beta1}) and the problem
     */
    public static Optimizer parse(Object tree, String path) {
        if (!(tree instanceof Map<?, ?> object)) {
            throw new DefinitionException(path, "expected an object, got " + JsonTree.describe(tree));
        }
        Object type = object.get("type");
        if (type == null) {
            throw new DefinitionException(path + ".type", "is required: one of " + TYPES);
        }
        if (!(type instanceof String name) || !TYPES.contains(name)) {
            throw new DefinitionException(path + ".type", "unknown optimizer " + JsonTree.describe(type)
                    + ", expected one of " + TYPES);
        }
        Map<String, Double> options = new LinkedHashMap<>(defaults(name).options());
        for (Map.Entry<?, ?> entry : object.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (key.equals("type")) {
                continue;
            }
            if (!options.containsKey(key)) {
                throw new DefinitionException(path + "." + key, "unknown option; " + name + " takes "
                        + String.join(", ", options.keySet()));
            }
            options.put(key, JsonTree.number(entry.getValue(), path + "." + key));
        }
        try {
            return build(name, options);
        } catch (DefinitionException e) {
            // The constructors name fields from the default root; report them where this object really is.
            String relative = e.field().substring(Hyperparameters.ROOT.length());
            throw new DefinitionException(path + relative, e.problem());
        }
    }

    /** The optimizer of this type with the book's defaults. */
    static Optimizer defaults(String type) {
        return switch (type) {
            case "sgd" -> new Sgd();
            case "adagrad" -> new Adagrad();
            case "rmsprop" -> new RmsProp();
            case "adam" -> new Adam();
            default -> throw new IllegalArgumentException("unknown optimizer type \"" + type + "\"");
        };
    }

    private static Optimizer build(String type, Map<String, Double> options) {
        double learningRate = options.get("learningRate");
        double decay = options.get("decay");
        return switch (type) {
            case "sgd" -> new Sgd(learningRate, decay, options.get("momentum"));
            case "adagrad" -> new Adagrad(learningRate, decay, options.get("epsilon"));
            case "rmsprop" -> new RmsProp(learningRate, decay, options.get("epsilon"), options.get("rho"));
            case "adam" -> new Adam(learningRate, decay, options.get("epsilon"), options.get("beta1"),
                    options.get("beta2"));
            default -> throw new IllegalArgumentException("unknown optimizer type \"" + type + "\"");
        };
    }
}
