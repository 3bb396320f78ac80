package dev.gradflow.core.data;

import dev.gradflow.core.graph.DenseLayer;
import dev.gradflow.core.graph.Layer;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The book's initial parameters for Dense layers, as {@code Layer_Dense(n_inputs, n_neurons)} sets them after
 * {@code nnfs.init()}: {@code weights = 0.01 · randn(n_inputs, n_neurons)} in float32, element by element
 * {@code f32(f32(0.01) × f32(g))} with the normals g drawn row-major, and {@code biases = zeros(1, n_neurons)}.
 *
 * <p><b>Layout.</b> The book's weights are [n_inputs, n_neurons] and its layer computes {@code inputs · weights +
 * biases}; gradflow's {@code dense} op computes {@code x·W + b} with W [in, units], the same layout, so the drawn
 * matrix is used as it is. The book's biases are a row [1, n_neurons]; gradflow's are a vector [units] added to
 * every row, which holds the same values and broadcasts the same way. The tensors are named as a layer-list
 * network names its parameters: {@code <dense>.weights} and {@code <dense>.biases}.
 */
public final class NnfsInitializer {
    /** The book's weight scale, {@code 0.01}, as NumPy applies it to a float32 array: rounded to float32 first. */
    private static final float WEIGHT_SCALE = 0.01f;

    private NnfsInitializer() {
    }

    /**
     * {@code 0.01 · randn(inputs, units)} as a float32 [inputs, units] tensor, the normals drawn in row-major order.
     *
     * @param random Modified: advanced by {@code inputs · units} normals
     */
    public static Tensor denseWeights(int inputs, int units, LegacyRandom random) {
        if (inputs < 1 || units < 1) {
            throw new IllegalArgumentException("a dense layer needs at least one input and one unit, got " + inputs
                    + " × " + units);
        }
        double[] normals = new double[Math.multiplyExact(inputs, units)];
        random.fillStandardNormal(normals);
        float[] weights = new float[normals.length];
        for (int i = 0; i < normals.length; i++) {
            weights[i] = WEIGHT_SCALE * (float) normals[i];
        }
        return Tensor.ofFloats(new int[] {inputs, units}, weights);
    }

    /** Zero biases as a float32 [units] vector (the book's zeros(1, units) row, as gradflow shapes biases). */
    public static Tensor denseBiases(int units) {
        return Tensor.zeros(DType.FLOAT32, units);
    }

    /**
     * The initial parameters of every Dense layer of a layer-list network, in layer order, as a book script that
     * builds the same layers in the same order would set them: {@code <dense>.weights} [in, units] and
     * {@code <dense>.biases} [units], in the network's dtype (float32 values widen exactly to float64).
     *
     * <p>Every Dense layer draws its weights, even one whose definition gives its own values, just as every
     * {@code Layer_Dense} draws when it is constructed; later layers therefore get the same weights whether or
     * not an earlier one is given. Values the definition gives are returned instead of the drawn ones, so the map
     * holds what the network starts from. A script that draws its data set first must draw it from
     * {@code random} before calling this.
     *
     * @param random Modified: advanced by Σ in·units normals over the Dense layers
     * @return parameter name to value, in layer order; unmodifiable
     */
    public static Map<String, Tensor> parameters(LayerDefinition definition, LegacyRandom random) {
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        int width = definition.inputSize();
        for (Layer layer : definition.layers()) {
            if (!(layer instanceof DenseLayer dense)) {
                continue;
            }
            Tensor drawn = denseWeights(width, dense.units(), random);
            parameters.put(dense.name() + ".weights", dense.weights() != null ? dense.weights()
                    : drawn.cast(definition.dtype()));
            parameters.put(dense.name() + ".biases", dense.biases() != null ? dense.biases()
                    : denseBiases(dense.units()).cast(definition.dtype()));
            width = dense.units();
        }
        return Collections.unmodifiableMap(parameters);
    }
}
