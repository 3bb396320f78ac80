package dev.gradflow.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.check.GradientCheckTest;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.core.wire.TensorCodec;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** float32 networks: values are float32, results stay within 1e-4 of float64, and the wire keeps the dtype. */
class Float32Test {

    @Test
    void aFloat32TensorHoldsOnlyFloat32Values() {
        Tensor tensor = Tensor.of(DType.FLOAT32, new int[] {2}, new double[] {0.1, 1.0 / 3});
        assertThat(tensor.data()).containsExactly((float) 0.1, (float) (1.0 / 3));
        assertThat(tensor.map(v -> v / 3).data()[1]).isEqualTo((float) ((float) (1.0 / 3) / 3));
    }

    @Test
    void aFloat32NetworkStaysWithin1eMinus4OfFloat64AndItsTapeTravelsAsFloat32() throws Exception {
        String float64 = GradientCheckTestAccess.network("float64");
        String float32 = GradientCheckTestAccess.network("float32");
        SplittableRandom random = new SplittableRandom(4);
        double[] x = new double[5 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        Map<String, Tensor> feeds64 = Map.of("x", Tensor.of(new int[] {5, 6}, x.clone()),
                "y", Tensor.vector(0, 2, 1, 1, 0));
        Map<String, Tensor> feeds32 = Map.of("x", Tensor.of(DType.FLOAT32, new int[] {5, 6}, x.clone()),
                "y", Tensor.of(DType.FLOAT32, new int[] {5}, new double[] {0, 2, 1, 1, 0}));

        GradientSet reference = BackwardPass.run(ForwardPass.record(Engine.compile(float64), feeds64, 3));
        Tape tape = ForwardPass.record(Engine.compile(float32), feeds32, 3);
        byte[] wire = TapeRecord.ok("b", "n", tape).encode();
        GradientSet single = BackwardPass.run(TapeRecord.decode(wire).tape());

        assertThat(single.output().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(single.output().item()).isCloseTo(reference.output().item(), within(1e-4));
        for (var entry : reference.parameters().entrySet()) {
            double[] expected = entry.getValue().data();
            double[] actual = single.parameters().get(entry.getKey()).data();
            assertThat(single.parameters().get(entry.getKey()).dtype()).isEqualTo(DType.FLOAT32);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%s[%d]", entry.getKey(), i).isCloseTo(expected[i], within(1e-4));
            }
        }
        Tensor weights = Tensor.of(DType.FLOAT32, new int[] {6, 5}, new double[30]);
        assertThat(TensorCodec.encode(weights)).as("float32 elements take 4 bytes on the wire").hasSize(8 + 2 * 4 + 30 * 4);
    }

    /** The network of the gradient-check test, shared so both tests describe the same model. */
    static final class GradientCheckTestAccess {
        static String network(String dtype) {
            return GradientCheckTest.network(dtype);
        }
    }
}
