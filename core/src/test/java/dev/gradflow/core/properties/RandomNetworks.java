package dev.gradflow.core.properties;

import dev.gradflow.core.graph.LayerDefinition.Loss;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Random layer lists ({@code "kind": "layers"}): 1 to 3 dense layers of 1 to 6 units on 1 to 6 input features, each
 * with a random activation (relu, sigmoid, tanh, linear, softmax, or none given, which means linear), optionally
 * followed by an activation layer and a dropout layer, with optional L1/L2 penalties on weights and biases, weights
 * and biases given in the definition or left to the seed (Glorot weights, zero biases), then a loss, on a batch of
 * 1 to 5 samples.
 *
 * <p>The losses that need probabilities get them: categorical cross-entropy ends in a softmax and binary
 * cross-entropy in a sigmoid (as the dense layer's activation or as a layer of its own, at random), with no
 * dropout after it; categorical cross-entropy gets at least 2 classes (a softmax over one class is the constant 1,
 * which the loss clips). Softmax cross-entropy ends in a softmax (fused into the loss) half the time and in
 * anything else otherwise. Targets: class ids or one-hot rows for the categorical losses (both formats, and the
 * default when {@code targetFormat} is left out), 0/1 for binary cross-entropy, values in [−2, 2] for the
 * regression losses.
 *
 * <p>jqwik generates the structure; the numbers (features, targets, given weights and biases) come from a
 * generated data seed. The definition's own seed stays below 2³¹ − 4: a larger one breaks every layer list with a
 * dropout layer (see {@code NetworkPropertiesTest#dropoutLayersAcceptEverySeedTheParserAccepts}).
 */
final class RandomNetworks {
    static final List<String> ACTIVATIONS = List.of("relu", "sigmoid", "tanh", "linear", "softmax");

    private RandomNetworks() {
    }

    /**
     * One dense layer and what follows it.
     *
     * @param activation the dense layer's activation, or null to leave it out (linear)
     * @param activationLayer an activation layer after it, or null
     * @param dropout the rate of a dropout layer after that, or null
     * @param penalties weight L1, weight L2, bias L1, bias L2 factors; null ones are left out
     */
    record DenseSpec(int units, String activation, String activationLayer, Double dropout, List<Double> penalties,
            boolean givenWeights, boolean givenBiases) {
    }

    /**
     * Everything jqwik generates for one network.
     *
     * @param targetFormat 0: left out (class ids), 1: class ids, 2: one-hot; for the categorical losses only
     * @param ending bit 0: a required final softmax or sigmoid comes as a layer of its own rather than as the last
     *     dense layer's activation; bit 1: softmax cross-entropy gets no final softmax (it gets one otherwise)
     */
    record Spec(int inputSize, int batch, List<DenseSpec> dense, Loss loss, int targetFormat, int ending,
            long seed, long dataSeed) {
    }

    static Arbitrary<NetworkCase> networks(Loss loss) {
        Arbitrary<Double> penalty = Arbitraries.oneOf(Arbitraries.just((Double) null),
                Arbitraries.doubles().between(0, 0.1).ofScale(4));
        Arbitrary<DenseSpec> dense = Combinators.combine(Arbitraries.integers().between(1, 6),
                Arbitraries.of(ACTIVATIONS).injectNull(0.1), Arbitraries.of(ACTIVATIONS).injectNull(0.4),
                Arbitraries.doubles().between(0, 0.6).ofScale(2).injectNull(0.6), penalty.list().ofSize(4),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as(DenseSpec::new);
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 5),
                dense.list().ofMinSize(1).ofMaxSize(3).withSizeDistribution(RandomDistribution.uniform()),
                Arbitraries.just(loss), Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(Integer.MIN_VALUE, Integer.MAX_VALUE - 4L), Arbitraries.longs())
                .as(Spec::new).map(RandomNetworks::build);
    }

    static Arbitrary<NetworkCase> networks() {
        return Arbitraries.of(Loss.values()).flatMap(RandomNetworks::networks);
    }

    /** A built layer list and its batch. */
    record NetworkCase(Map<String, Object> definition, Map<String, Tensor> feeds, long batchSeed, Loss loss,
            String targetFormat, TreeSet<String> activations, boolean dropout, boolean penalties)
            implements Harness.Case {
        @Override
        public String toString() {
            return loss.label() + " (" + targetFormat + "), activations " + activations + (dropout ? ", dropout" : "")
                    + (penalties ? ", penalties" : "") + Harness.describe(this);
        }
    }

    static NetworkCase build(Spec spec) {
        SplittableRandom data = new SplittableRandom(spec.dataSeed());
        Loss loss = spec.loss();
        String ending = switch (loss) {
            case CATEGORICAL_CROSS_ENTROPY -> "softmax";
            case BINARY_CROSS_ENTROPY -> "sigmoid";
            case SOFTMAX_CROSS_ENTROPY -> (spec.ending() & 2) != 0 ? null : "softmax";
            default -> null;
        };
        List<Map<String, Object>> layers = new ArrayList<>();
        TreeSet<String> activations = new TreeSet<>();
        boolean dropout = false;
        boolean penalties = false;
        int fanIn = spec.inputSize();
        int count = spec.dense().size();
        for (int i = 0; i < count; i++) {
            DenseSpec d = spec.dense().get(i);
            boolean last = i == count - 1;
            int units = last && loss == Loss.CATEGORICAL_CROSS_ENTROPY ? Math.max(2, d.units()) : d.units();
            String activation = d.activation();
            String activationLayer = d.activationLayer();
            Double rate = d.dropout();
            if (last && ending != null) {
                // The network must end in `ending`, with nothing after it.
                boolean asLayer = (spec.ending() & 1) != 0;
                activation = asLayer ? d.activation() : ending;
                activationLayer = asLayer ? ending : null;
                rate = null;
            }
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("type", "dense");
            layer.put("units", units);
            if (activation != null) {
                layer.put("activation", activation);
                activations.add(activation);
            }
            if (d.givenWeights()) {
                layer.put("weights", matrix(data, fanIn, units, 1));
            }
            if (d.givenBiases()) {
                layer.put("biases", vector(data, units, 0.5));
            }
            String[] keys = {"weightRegularizerL1", "weightRegularizerL2", "biasRegularizerL1", "biasRegularizerL2"};
            for (int k = 0; k < keys.length; k++) {
                if (d.penalties().get(k) != null) {
                    layer.put(keys[k], d.penalties().get(k));
                    penalties |= d.penalties().get(k) > 0;
                }
            }
            layers.add(layer);
            if (activationLayer != null) {
                layers.add(Map.of("type", activationLayer));
                activations.add(activationLayer);
            }
            if (rate != null) {
                layers.add(Map.of("type", "dropout", "rate", rate));
                dropout = true;
            }
            fanIn = units;
        }

        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("kind", "layers");
        tree.put("dtype", "float64");
        tree.put("inputSize", spec.inputSize());
        tree.put("seed", spec.seed());
        tree.put("layers", layers);
        tree.put("loss", loss.label());
        String format = "-";
        boolean classIds = false;
        if (loss.categorical()) {
            int choice = spec.targetFormat();
            format = choice == 0 ? "class-ids (default)" : choice == 1 ? "class-ids" : "one-hot";
            classIds = choice != 2;
            if (choice != 0) {
                tree.put("targetFormat", choice == 1 ? "class-ids" : "one-hot");
            }
        }

        int n = spec.batch();
        int outputs = fanIn;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.of(new int[] {n, spec.inputSize()}, values(data, n * spec.inputSize(), -2, 2)));
        if (loss.categorical()) {
            int[] classes = new int[n];
            for (int row = 0; row < n; row++) {
                classes[row] = data.nextInt(outputs);
            }
            if (classIds) {
                double[] ids = new double[n];
                for (int row = 0; row < n; row++) {
                    ids[row] = classes[row];
                }
                feeds.put("y", Tensor.of(new int[] {n}, ids));
            } else {
                double[] rows = new double[n * outputs];
                for (int row = 0; row < n; row++) {
                    rows[row * outputs + classes[row]] = 1;
                }
                feeds.put("y", Tensor.of(new int[] {n, outputs}, rows));
            }
        } else if (loss == Loss.BINARY_CROSS_ENTROPY) {
            double[] bits = new double[n * outputs];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = data.nextBoolean() ? 1 : 0;
            }
            feeds.put("y", Tensor.of(new int[] {n, outputs}, bits));
        } else {
            feeds.put("y", Tensor.of(new int[] {n, outputs}, values(data, n * outputs, -2, 2)));
        }
        // The batch seed (it moves the dropout masks) comes from the data seed, as the numbers do.
        return new NetworkCase(tree, feeds, data.nextLong(), loss, format, activations, dropout, penalties);
    }

    private static double[] values(SplittableRandom random, int count, double low, double high) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = Harness.float32(random.nextDouble(low, high));
        }
        return values;
    }

    private static List<Object> vector(SplittableRandom random, int size, double bound) {
        List<Object> vector = new ArrayList<>();
        for (double v : values(random, size, -bound, bound)) {
            vector.add(v);
        }
        return vector;
    }

    private static List<Object> matrix(SplittableRandom random, int rows, int columns, double bound) {
        List<Object> matrix = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            matrix.add(vector(random, columns, bound));
        }
        return matrix;
    }
}
