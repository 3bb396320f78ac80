package dev.gradflow.core.data;

import dev.gradflow.core.tensor.Tensor;

/**
 * Synthetic classification data of any size, for benchmarks and tests of large jobs: not the nnfs package's, but as
 * reproducible in NumPy as its data sets are, from the same legacy generator:
 * <pre>
 * np.random.seed(seed)
 * x = np.random.randn(samples, features).astype(np.float32)
 * y = (np.random.random_sample(samples) * classes).astype(np.uint8)   # class ids, floor of the uniform times C
 * </pre>
 * The inputs carry no signal about the classes; the data exercise the arithmetic and the plumbing, not learning.
 */
public final class SyntheticData {
    /** The most elements the inputs may have: 2²⁶ (256 MiB as float32), enough for 60,000 × 784 and more. */
    public static final long MAX_ELEMENTS = 1L << 26;

    private SyntheticData() {
    }

    /**
     * @param random Modified: advanced by {@code samples · features} normals, then {@code samples} uniforms
     * @return float32 inputs [samples, features] and class ids [samples] in [0, classes)
     */
    public static LabelledData normalClassification(int samples, int features, int classes, LegacyRandom random) {
        if (samples < 1 || features < 1 || classes < 1 || (long) samples * features > MAX_ELEMENTS) {
            throw new IllegalArgumentException("need 1 ≤ samples, features, classes and samples × features ≤ "
                    + MAX_ELEMENTS + ", got " + samples + ", " + features + ", " + classes);
        }
        float[] inputs = new float[samples * features];
        double[] row = new double[features];
        for (int i = 0; i < samples; i++) {
            random.fillStandardNormal(row);
            for (int j = 0; j < features; j++) {
                inputs[i * features + j] = (float) row[j];
            }
        }
        float[] targets = new float[samples];
        for (int i = 0; i < samples; i++) {
            targets[i] = (float) Math.floor(random.randomSample() * classes);
        }
        return new LabelledData(Tensor.ofFloats(new int[] {samples, features}, inputs),
                Tensor.ofFloats(new int[] {samples}, targets));
    }
}
