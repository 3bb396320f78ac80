package dev.gradflow.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Tensor#firstNonFinite()} finds the first infinity or NaN anywhere, and nothing among finite values. */
class FirstNonFiniteTest {
    private static final double[] NON_FINITE = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.longBitsToDouble(0xfff8_0000_0000_0001L)};
    private static final double[] FINITE_EDGES = {0d, -0d, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
        Double.MAX_VALUE, -Double.MAX_VALUE, Math.nextDown(Double.MAX_VALUE)};

    @Test
    void finiteEdgesAreFiniteInBothDtypes() {
        assertThat(Tensor.ofDoubles(new int[] {FINITE_EDGES.length}, FINITE_EDGES.clone()).firstNonFinite())
                .isEqualTo(-1);
        float[] floats = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE};
        assertThat(Tensor.ofFloats(new int[] {floats.length}, floats).firstNonFinite()).isEqualTo(-1);
        assertThat(Tensor.ofFloats(new int[] {0}, new float[0]).firstNonFinite()).isEqualTo(-1);
    }

    @Test
    void findsTheFirstOfSeveralNonFiniteValuesAtAnyPosition() {
        int size = 1000;
        for (double bad : NON_FINITE) {
            for (int at : new int[] {0, 1, 7, 500, size - 1}) {
                double[] doubles = new double[size];
                float[] floats = new float[size];
                for (int i = 0; i < size; i++) {
                    doubles[i] = FINITE_EDGES[i % FINITE_EDGES.length];
                    floats[i] = (float) (i - 500) / 3;
                }
                doubles[at] = bad;
                floats[at] = (float) bad;
                if (at + 3 < size) {
                    doubles[at + 3] = Double.NaN; // a later one must not win
                    floats[at + 3] = Float.NEGATIVE_INFINITY;
                }
                assertThat(Tensor.ofDoubles(new int[] {size}, doubles).firstNonFinite()).as("%s at %d", bad, at)
                        .isEqualTo(at);
                assertThat(Tensor.ofFloats(new int[] {size}, floats).firstNonFinite()).as("%s at %d", bad, at)
                        .isEqualTo(at);
            }
        }
    }

    /**
     * A tensor large enough to be searched in ranges on the products' threads: the first non-finite value wins
     * wherever the ranges split, including when a later range also holds one.
     */
    @Test
    void findsTheFirstInALargeTensorSearchedInRanges() {
        dev.gradflow.core.kernels.Gemms.active(); // the ranges use the products' threads once they are chosen
        int size = 300_007;
        for (int at : new int[] {0, 65_535, 150_003, 150_004, size - 1}) {
            double[] doubles = new double[size];
            float[] floats = new float[size];
            for (int i = 0; i < size; i++) {
                doubles[i] = i * 0.25 - 1e5;
                floats[i] = (float) doubles[i];
            }
            doubles[at] = Double.NEGATIVE_INFINITY;
            floats[at] = Float.NaN;
            if (at < size - 1) {
                doubles[size - 1] = Double.NaN;
                floats[size - 1] = Float.POSITIVE_INFINITY;
            }
            assertThat(Tensor.ofDoubles(new int[] {size}, doubles).firstNonFinite()).as("at %d", at).isEqualTo(at);
            assertThat(Tensor.ofFloats(new int[] {size}, floats).firstNonFinite()).as("at %d", at).isEqualTo(at);
        }
        assertThat(Tensor.zeros(DType.FLOAT32, 1_000, 300).firstNonFinite()).isEqualTo(-1);
    }
}
