package dev.gradflow.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.DenseLayer;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Layer;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The book's layer initialisation, and the numbers the book prints for its scripts: the data set and the weights
 * drawn from one generator after {@code nnfs.init()}, in the order the script runs.
 */
class NnfsInitializerTest {

    /** The weights of {@code Layer_Dense(2, 3)} after {@code spiral_data(100, 3)}, from legacy_random_reference.py. */
    private static final int[] DENSE1_WEIGHT_BITS = {0xbc560fb5, 0x3c87d585, 0xba9ae146, 0xbbdee17c, 0x3bda5c44,
        0xbb96f7fa};
    /** The weights of the next {@code Layer_Dense(3, 3)}, from the same script. */
    private static final int[] DENSE2_WEIGHT_BITS = {0xbc5a9adb, 0xbc5ca56c, 0x3be355e9, 0xbad127f5, 0xbaaf3ecd,
        0x3c3093d9, 0xbc389e80, 0xbbef6db0, 0xbb7c3c1d};

    @Test
    void weightsAreOneHundredthOfFloat32NormalsRoundedAsNumpyRoundsThem() {
        LegacyRandom random = NnfsDatasets.init();
        Tensor weights = NnfsInitializer.denseWeights(2, 5, random);

        assertThat(weights.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(weights.shape()).containsExactly(2, 5);
        double[] normals = new LegacyRandom(0).randn(10).doubles();
        for (int i = 0; i < normals.length; i++) {
            assertThat(weights.floats()[i]).isEqualTo(0.01f * (float) normals[i]);
        }
        // f32(0.01) × f32(g), not f32(0.01 × g): the fourth normal, 2.240893199201458, tells them apart.
        assertThat(weights.floats()[3]).isEqualTo(0.022408930584788322f).isNotEqualTo((float) (0.01 * normals[3]));
        assertThat(NnfsInitializer.denseBiases(5).floats()).containsExactly(0, 0, 0, 0, 0);
    }

    @Test
    void chapterThreeDenseLayerOutputsAreTheBooks() {
        // nnfs.init(); X, y = spiral_data(samples=100, classes=3); dense1 = Layer_Dense(2, 3); dense1.forward(X)
        LegacyRandom random = NnfsDatasets.init();
        float[] x = NnfsDatasets.spiralData(100, 3, random).inputs().floats();
        Tensor weights = NnfsInitializer.denseWeights(2, 3, random);
        float[] biases = NnfsInitializer.denseBiases(3).floats();
        assertThat(bits(weights.floats())).containsExactly(DENSE1_WEIGHT_BITS);

        // print(dense1.output[:5]), as the book prints it (8 significant digits).
        double[][] printed = {
            {0.0, 0.0, 0.0},
            {-1.0475188e-04, 1.1395361e-04, -4.7983500e-05},
            {-2.7414842e-04, 3.1729150e-04, -8.6921798e-05},
            {-4.2188365e-04, 5.2666257e-04, -5.5912682e-05},
            {-5.7707680e-04, 7.1401405e-04, -8.9430439e-05}};
        float[] w = weights.floats();
        for (int row = 0; row < printed.length; row++) {
            for (int unit = 0; unit < 3; unit++) {
                // nnfs.init() makes np.dot widen to float64 and round the result to float32; + biases is float32.
                float dot = (float) ((double) x[2 * row] * w[unit] + (double) x[2 * row + 1] * w[3 + unit]);
                float output = dot + biases[unit];
                assertThat((double) output).as("row %d, unit %d", row, unit)
                        .isCloseTo(printed[row][unit], within(halfOfLastPrintedDigit(printed[row][unit])));
            }
        }
    }

    @Test
    void chapterFiveSoftmaxOutputsAndLossAreTheBooksToWithinOneFloat32Ulp() {
        // nnfs.init(); X, y = spiral_data(samples=100, classes=3); dense1 = Layer_Dense(2, 3) → ReLU;
        // dense2 = Layer_Dense(3, 3) → softmax; loss = Loss_CategoricalCrossentropy().calculate(softmax, y)
        LegacyRandom random = NnfsDatasets.init();
        LabelledData data = NnfsDatasets.spiralData(100, 3, random);
        LayerDefinition network = parse(CHAPTER_FIVE_NETWORK);
        Map<String, Tensor> parameters = NnfsInitializer.parameters(network, random);
        assertThat(bits(parameters.get("dense2.weights").floats())).containsExactly(DENSE2_WEIGHT_BITS);

        Tape tape = ForwardPass.record(GraphCompiler.compile(withParameters(network, parameters), Limits.DEFAULT),
                data.feeds());

        // The engine's float32 arithmetic rounds each op's float64 formula once, and its products are sgemm;
        // NumPy under nnfs.init() chains float32 exp, sum and division and rounds float64 dot products. Both are
        // float32 results of the same formulas, so they may differ by one float32 ulp, and do (row 2 below):
        // each value must lie within half a printed digit plus one ulp of what the book prints. Apart from row 0
        // (exactly one third each: its inputs are zero) the values lie 5 to 65 ulps from 1/3 and the loss 16 ulps
        // from ln 3, so a one-ulp allowance still tells the book's data and weights from any others.
        float[] softmax = tape.nodes().stream().filter(n -> n.name().equals("dense2.softmax")).findFirst()
                .orElseThrow().saved().get(0).floats();
        double[][] printed = {
            {0.33333334, 0.33333334, 0.33333334},
            {0.33333316, 0.3333332, 0.33333364},
            {0.33333287, 0.3333329, 0.33333418},
            {0.3333326, 0.33333263, 0.33333477},
            {0.33333233, 0.3333324, 0.33333528}};
        for (int row = 0; row < printed.length; row++) {
            for (int unit = 0; unit < 3; unit++) {
                float value = softmax[3 * row + unit];
                assertThat((double) value).as("softmax row %d, unit %d", row, unit).isCloseTo(printed[row][unit],
                        within(halfOfLastPrintedDigit(printed[row][unit]) + Math.ulp(value)));
            }
        }
        // print('loss:', loss) → 1.0986104 (ln 3 = 1.0986123); the engine gives the float32 one ulp above it.
        float loss = (float) tape.outputValue().item();
        assertThat((double) loss).isCloseTo(1.0986104, within(halfOfLastPrintedDigit(1.0986104) + Math.ulp(loss)));
    }

    @Test
    void parametersHaveTheNamesShapesAndOrderOfTheLoweredNetwork() {
        LayerDefinition network = parse(CHAPTER_FIVE_NETWORK);
        LegacyRandom random = NnfsDatasets.init();
        NnfsDatasets.spiralData(100, 3, random);

        Map<String, Tensor> parameters = NnfsInitializer.parameters(network, random);

        assertThat(parameters.keySet()).containsExactly("dense1.weights", "dense1.biases", "dense2.weights",
                "dense2.biases");
        Map<String, Tensor> lowered = GraphCompiler.lower(network).parameters();
        assertThat(lowered.keySet()).containsExactlyInAnyOrderElementsOf(parameters.keySet());
        parameters.forEach((name, value) -> {
            assertThat(value.shape()).as(name).containsExactly(lowered.get(name).shape());
            assertThat(value.dtype()).as(name).isEqualTo(DType.FLOAT32);
        });
        assertThat(bits(parameters.get("dense1.weights").floats())).containsExactly(DENSE1_WEIGHT_BITS);
        assertThat(bits(parameters.get("dense2.weights").floats())).containsExactly(DENSE2_WEIGHT_BITS);
        assertThat(parameters.get("dense2.biases").floats()).containsExactly(0, 0, 0);
    }

    @Test
    void aFloat64NetworkStartsFromTheSameNumbersWidened() {
        LayerDefinition network = parse(CHAPTER_FIVE_NETWORK.replace("float32", "float64"));
        LegacyRandom random = NnfsDatasets.init();
        NnfsDatasets.spiralData(100, 3, random);

        Map<String, Tensor> parameters = NnfsInitializer.parameters(network, random);

        double[] weights = parameters.get("dense1.weights").doubles();
        for (int i = 0; i < weights.length; i++) {
            assertThat(weights[i]).isEqualTo((double) Float.intBitsToFloat(DENSE1_WEIGHT_BITS[i]));
        }
        assertThat(parameters.get("dense1.biases").dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void aLayerWithGivenWeightsStillDrawsSoLaterLayersKeepTheirs() {
        LayerDefinition network = parse(CHAPTER_FIVE_NETWORK.replace("\"units\": 3, \"activation\": \"relu\"",
                "\"units\": 3, \"activation\": \"relu\", \"weights\": [[1, 2, 3], [4, 5, 6]], \"biases\": [7, 8, 9]"));
        LegacyRandom random = NnfsDatasets.init();
        NnfsDatasets.spiralData(100, 3, random);

        Map<String, Tensor> parameters = NnfsInitializer.parameters(network, random);

        assertThat(parameters.get("dense1.weights").floats()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(parameters.get("dense1.biases").floats()).containsExactly(7, 8, 9);
        assertThat(bits(parameters.get("dense2.weights").floats())).containsExactly(DENSE2_WEIGHT_BITS);
    }

    @Test
    void rejectsAnEmptyLayer() {
        assertThatThrownBy(() -> NnfsInitializer.denseWeights(0, 3, NnfsDatasets.init()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The network of the book's chapter 5, as a layer-list definition without values. */
    private static final String CHAPTER_FIVE_NETWORK = """
            {"kind": "layers", "dtype": "float32", "inputSize": 2,
             "layers": [{"type": "dense", "name": "dense1", "units": 3, "activation": "relu"},
                        {"type": "dense", "name": "dense2", "units": 3, "activation": "softmax"}],
             "loss": "categorical-cross-entropy"}""";

    private static LayerDefinition parse(String json) {
        return (LayerDefinition) new DefinitionParser(Limits.DEFAULT).parse(Json.parse(json));
    }

    /** The network with each Dense layer's weights and biases set, as an {@code "init": "nnfs"} option would. */
    private static LayerDefinition withParameters(LayerDefinition network, Map<String, Tensor> parameters) {
        List<Layer> layers = network.layers().stream().map(layer -> layer instanceof DenseLayer dense
                ? new DenseLayer(dense.name(), dense.units(), dense.activation(),
                        parameters.get(dense.name() + ".weights"), parameters.get(dense.name() + ".biases"),
                        dense.regularization())
                : layer).toList();
        return new LayerDefinition(network.dtype(), network.inputSize(), network.seed(), layers, network.loss(),
                network.targetFormat());
    }

    private static double halfOfLastPrintedDigit(double printed) {
        if (printed == 0) {
            return 0;
        }
        int exponent = (int) Math.floor(Math.log10(Math.abs(printed)));
        return 0.5 * Math.pow(10, exponent - 7);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
