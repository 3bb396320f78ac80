package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The writer notes tensors and copies their elements only when it makes the record; the bytes must be those of
 * writing everything in order, which {@link DataOutputStream} (big-endian fields) and a hand-written little-endian
 * loop (elements) give independently here.
 */
class WireWriterTest {

    @Test
    void fieldsAndTensorsInterleavedGiveTheBytesOfWritingThemInOrder() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        Tensor large = Tensor.ofDoubles(new int[] {300, 64}, random.doubles(300 * 64, -1e3, 1e3).toArray());
        float[] floats = new float[1001];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) random.nextDouble(-5, 5);
        }
        Tensor small = Tensor.ofFloats(new int[] {7, 11, 13}, floats);
        Tensor scalar = Tensor.scalar(Double.NaN);

        // Tensors first, last, back to back, and a field growing the small-field buffer between them.
        String longName = "n".repeat(5000) + "é";
        byte[] written = new WireWriter(16).tensor(scalar).magic(new byte[] {'G', 'F', 'X', 'X'}, (byte) 3)
                .string("batch-ä").tensor(large).tensor(small).u8(200).i32(-5).string(longName).i64(1L << 40)
                .f64(-0.0).bytes(new byte[] {1, 2, 3}).tensor(large).toByteArray();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        tensor(out, scalar);
        out.write(new byte[] {'G', 'F', 'X', 'X', 3});
        string(out, "batch-ä");
        tensor(out, large);
        tensor(out, small);
        out.writeByte(200);
        out.writeInt(-5);
        string(out, longName);
        out.writeLong(1L << 40);
        out.writeDouble(-0.0);
        out.writeInt(3);
        out.write(new byte[] {1, 2, 3});
        tensor(out, large);
        assertThat(written).isEqualTo(expected.toByteArray());
    }

    @Test
    void aRecordWithoutTensorsIsItsFieldsExactly() {
        assertThat(new WireWriter(1).u8(9).i32(258).toByteArray()).containsExactly(9, 0, 0, 1, 2);
    }

    @Test
    void aWriterMakesOneRecord() {
        WireWriter writer = new WireWriter(64).u8(1);
        writer.toByteArray();
        assertThatThrownBy(() -> writer.u8(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already taken");
        assertThatThrownBy(writer::toByteArray).isInstanceOf(IllegalStateException.class);
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** {@link TensorCodec}'s layout, written out by hand. */
    private static void tensor(DataOutputStream out, Tensor tensor) throws IOException {
        out.write(new byte[] {'G', 'F', 'T', 'N', 1, tensor.dtype().wireCode(), 1, (byte) tensor.rank()});
        for (int dim : tensor.shape()) {
            out.writeInt(dim);
        }
        for (int i = 0; i < tensor.size(); i++) {
            long bits = switch (tensor.dtype()) {
                case FLOAT64 -> Double.doubleToRawLongBits(tensor.doubles()[i]);
                case FLOAT32 -> Float.floatToRawIntBits(tensor.floats()[i]) & 0xFFFFFFFFL;
                default -> throw new IllegalStateException();
            };
            for (int b = 0; b < tensor.dtype().bytesPerElement(); b++) {
                out.writeByte((int) (bits >>> (8 * b)));
            }
        }
    }
}
