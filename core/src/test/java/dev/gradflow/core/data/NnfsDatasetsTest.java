package dev.gradflow.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The nnfs data sets against {@code legacy_random_reference.py}, which builds them from CPython's MT19937 and the C
 * library's sin, cos and log, following {@code ../shared/nnfs-datasets.md}; the SHA-256 digests cover every value
 * (float32 or float64 bit patterns, big-endian, row-major). Structural facts come from the package's definition.
 */
class NnfsDatasetsTest {

    @Test
    void spiralDataMatchesTheReferenceBitForBit() {
        LabelledData data = NnfsDatasets.spiralData(100, 3, NnfsDatasets.init());
        float[] x = data.inputs().floats();

        assertThat(sha256(x)).isEqualTo("8c0a17b3664d5bfe8feed7c32fc43672f1979e84b064fce90a30f2bccd781d7b");
        assertRow(x, 1, 0x3b44511b, 0x3c1e0cce);
        assertRow(x, 4, 0x3d21061a, 0x3c18d5a8);
        assertRow(x, 299, 0xbf715a9b, 0x3eaab22f);
    }

    @Test
    void spiralDataHasTheShapesClassIdsAndOriginsOfThePackage() {
        LabelledData data = NnfsDatasets.spiralData(100, 3, NnfsDatasets.init());

        assertThat(data.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(data.inputs().shape()).containsExactly(300, 2);
        assertThat(data.targets().shape()).containsExactly(300);
        float[] x = data.inputs().floats();
        float[] y = data.targets().floats();
        for (int c = 0; c < 3; c++) {
            // r = 0 at each class's first point: (±0, ±0), the sign following sin and cos of its angle.
            assertThat(Math.abs(x[2 * 100 * c])).isZero();
            assertThat(Math.abs(x[2 * 100 * c + 1])).isZero();
            // r = 1 exactly at each class's last point (linspace ends on its stop), so it lies on the unit circle.
            int last = 100 * c + 99;
            assertThat(Math.hypot(x[2 * last], x[2 * last + 1])).isCloseTo(1.0, within(1e-6));
            for (int i = 0; i < 100; i++) {
                assertThat(y[100 * c + i]).isEqualTo((float) c);
            }
        }
        // Class 1 starts at angle 4 + noise, so 2.5t is near 10 rad, where sin and cos are both negative.
        assertThat(Float.floatToRawIntBits(x[200])).isEqualTo(0x80000000);
    }

    @Test
    void spiralDataDrawsOneNormalPerSample() {
        LegacyRandom random = NnfsDatasets.init();
        NnfsDatasets.spiralData(100, 3, random);
        LegacyRandom expected = NnfsDatasets.init();
        expected.randn(300);

        assertThat(random.snapshot()).isEqualTo(expected.snapshot());
    }

    @Test
    void verticalDataMatchesTheReferenceBitForBit() {
        LabelledData data = NnfsDatasets.verticalData(100, 3, NnfsDatasets.init());
        float[] x = data.inputs().floats();

        assertThat(sha256(x)).isEqualTo("5995ef72f820387e19aba508b3e0924d7d60039ec981c3088a12f1e6b6f083dc");
        // Row 0 is f32(f32(f32(1.764052345967664) × f32(0.1)) + f32(0)): the first normal NumPy draws for seed 0.
        assertRow(x, 0, 0x3e34a393, 0x3f30356b);
        assertRow(x, 100, 0x3e97c3ba, 0x3ebd1b17);
        assertRow(x, 299, 0x3f28ac70, 0x3ef6db32);
    }

    @Test
    void verticalDataCentresClassCNearCThirdsAndOneHalf() {
        LabelledData data = NnfsDatasets.verticalData(100, 3, NnfsDatasets.init());
        float[] x = data.inputs().floats();
        float[] y = data.targets().floats();

        assertThat(data.inputs().shape()).containsExactly(300, 2);
        for (int c = 0; c < 3; c++) {
            double meanX = 0;
            double meanY = 0;
            for (int i = 0; i < 100; i++) {
                int row = 100 * c + i;
                meanX += x[2 * row] / 100.0;
                meanY += x[2 * row + 1] / 100.0;
                assertThat(y[row]).isEqualTo((float) c);
            }
            // The noise has standard deviation 0.1, so a mean of 100 points is within 0.05 (five standard errors).
            assertThat(meanX).isCloseTo(c / 3.0, within(0.05));
            assertThat(meanY).isCloseTo(0.5, within(0.05));
        }
    }

    @Test
    void verticalDataDrawsTwoNormalsPerSample() {
        LegacyRandom random = NnfsDatasets.init();
        NnfsDatasets.verticalData(10, 4, random);
        LegacyRandom expected = NnfsDatasets.init();
        expected.randn(80);

        assertThat(random.snapshot()).isEqualTo(expected.snapshot());
    }

    @Test
    void sineDataMatchesTheReferenceToTheLastBitOfItsInputsAndWithinOneUlpOfItsTargets() {
        LabelledData data = NnfsDatasets.sineData();

        assertThat(data.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(data.inputs().shape()).containsExactly(1000, 1);
        assertThat(data.targets().shape()).containsExactly(1000, 1);
        double[] x = data.inputs().doubles();
        double[] y = data.targets().doubles();
        assertThat(sha256(x)).isEqualTo("a823621011476ad0c490de87288b350206a6026f2d271a8df12bf3acf465b8f8");
        assertThat(new double[] {x[0], y[0]}).containsExactly(0.0, 0.0);
        assertThat(y[1]).isEqualTo(0.006283143965558951);
        // The last point is 999/1000, not 1: arange stops before the count.
        assertThat(x[999]).isEqualTo(0.999);
        assertThat(y[999]).isEqualTo(-0.006283143965558805);
        // float64 targets are not rounded to float32, so a last-bit difference between fdlibm and the C library
        // shows: 29 of these 1000 values differ from glibc's by one ulp (the reference digest,
        // b7fdc62b41f3360613473d08f3bc6df4e8b2e5b389134fef1af75aad35edbaf3, therefore differs). y[34] is one.
        assertThat(y[34]).isCloseTo(0.21200710992205463, within(Math.ulp(0.21200710992205463)));
        // What StrictMath gives is the same on every JVM (it is fdlibm by specification), so the digest of our own
        // targets pins them for a job that resumes elsewhere.
        assertThat(sha256(y)).isEqualTo("beb22e7b96bc230226f7d7878bf3e744f4e4373f69d8685065b422e3529ed363");
    }

    @Test
    void linspaceEndsExactlyOnItsEndpoints() {
        // 4·(c + 1) reached by i·step + start could be off by an ulp; NumPy writes stop into the last point.
        for (int count : new int[] {2, 3, 7, 100, 1001}) {
            assertThat(NnfsDatasets.linspace(0.0, 1.0, count, 0)).isEqualTo(0.0);
            assertThat(NnfsDatasets.linspace(0.0, 1.0, count, count - 1)).isEqualTo(1.0);
            assertThat(NnfsDatasets.linspace(8.0, 12.0, count, count - 1)).isEqualTo(12.0);
        }
        assertThat(NnfsDatasets.linspace(4.0, 8.0, 1, 0)).isEqualTo(4.0);
        // One sample per class: r = 0, so every point is the origin.
        float[] single = NnfsDatasets.spiralData(1, 3, NnfsDatasets.init()).inputs().floats();
        for (float value : single) {
            assertThat(Math.abs(value)).isZero();
        }
    }

    @Test
    void aDataSetCastsToTheNetworksDtypeAndFeedsXAndY() {
        LabelledData data = NnfsDatasets.spiralData(5, 2, NnfsDatasets.init());
        LabelledData wide = data.cast(DType.FLOAT64);

        assertThat(wide.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(wide.inputs().doubles()).containsExactly(data.inputs().toDoubleArray());
        assertThat(wide.targets().doubles()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
        assertThat(data.feeds()).containsOnlyKeys("x", "y");
        assertThat(data.samples()).isEqualTo(10);
    }

    @Test
    void rejectsSizesThePackageCannotRepresent() {
        LegacyRandom random = NnfsDatasets.init();
        assertThatThrownBy(() -> NnfsDatasets.spiralData(0, 3, random)).hasMessageContaining("samples");
        // y is uint8 in nnfs: a 257th class would wrap to class 0.
        assertThatThrownBy(() -> NnfsDatasets.verticalData(10, 257, random)).hasMessageContaining("classes");
        assertThatThrownBy(() -> NnfsDatasets.sineData(0)).hasMessageContaining("samples");
        assertThatThrownBy(() -> new LabelledData(Tensor.zeros(DType.FLOAT32, 3, 2), Tensor.zeros(DType.FLOAT64, 3)))
                .hasMessageContaining("float32");
    }

    private static void assertRow(float[] x, int row, int firstBits, int secondBits) {
        assertThat(new int[] {Float.floatToRawIntBits(x[2 * row]), Float.floatToRawIntBits(x[2 * row + 1])})
                .as("row %d", row).containsExactly(firstBits, secondBits);
    }

    private static String sha256(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return sha256(bytes.array());
    }

    private static String sha256(double[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES);
        for (double value : values) {
            bytes.putDouble(value);
        }
        return sha256(bytes.array());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM provides SHA-256", e);
        }
    }
}
