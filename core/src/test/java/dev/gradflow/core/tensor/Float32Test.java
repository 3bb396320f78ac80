package dev.gradflow.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.check.GradientCheckTest;
import dev.gradflow.core.ops.Div;
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
        assertThat(tensor.floats()).containsExactly(0.1f, (float) (1.0 / 3));
        assertThat(tensor.toDoubleArray()).containsExactly((float) 0.1, (float) (1.0 / 3));
        Tensor third = new Div().forward(new Tensor[] {tensor, Tensor.scalar(DType.FLOAT32, 3)}).output();
        assertThat(third.floats()[1]).isEqualTo((float) (1.0 / 3) / 3f);
    }

    @Test
    void eachDtypeHasItsOwnStorageAndTheOtherAccessorFailsClearly() {
        Tensor single = Tensor.ofFloats(new int[] {2}, new float[] {1.5f, -2f});
        Tensor dual = Tensor.vector(1.5, -2);
        assertThat(single.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(dual.doubles()).containsExactly(1.5, -2);
        assertThatThrownBy(single::doubles).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("float32").hasMessageContaining("floats()");
        assertThatThrownBy(dual::floats).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("float64").hasMessageContaining("doubles()");
        assertThat(single.getDouble(1)).isEqualTo(-2.0);
        assertThat(single.cast(DType.FLOAT64)).isEqualTo(dual);
        assertThat(dual.cast(DType.FLOAT32)).isEqualTo(single);
        assertThat(single).isNotEqualTo(dual);
    }

    @Test
    void float32ElementsCrossTheWireAsTheyAre() {
        float[] values = {Float.MIN_VALUE, -0f, 0.1f, Float.MAX_VALUE, 16777217f, (float) Math.PI};
        Tensor tensor = Tensor.ofFloats(new int[] {2, 3}, values);
        Tensor decoded = TensorCodec.decode(TensorCodec.encode(tensor));
        assertThat(decoded.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(decoded.floats()).containsExactly(values);
        assertThat(decoded).isEqualTo(tensor);
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
            double[] expected = entry.getValue().toDoubleArray();
            double[] actual = single.parameters().get(entry.getKey()).toDoubleArray();
            assertThat(single.parameters().get(entry.getKey()).dtype()).isEqualTo(DType.FLOAT32);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%s[%d]", entry.getKey(), i).isCloseTo(expected[i], within(1e-4));
            }
        }
        Tensor weights = Tensor.of(DType.FLOAT32, new int[] {6, 5}, new double[30]);
        assertThat(TensorCodec.encode(weights)).as("float32 elements take 4 bytes on the wire").hasSize(8 + 2 * 4 + 30 * 4);
    }

    @Test
    void nonFiniteFloat32ValuesAreFoundInFeedsAndInOpOutputs() {
        Tensor nan = Tensor.ofFloats(new int[] {3}, new float[] {1, Float.NaN, 3});
        assertThat(nan.firstNonFinite()).isEqualTo(1);
        assertThat(Tensor.ofFloats(new int[] {2}, new float[] {1, 2}).firstNonFinite()).isEqualTo(-1);
        String definition = """
                {"kind": "graph", "dtype": "float32", "inputs": {"x": {"shape": [3]}},
                 "nodes": [{"name": "e", "op": "exp", "inputs": ["x"]},
                           {"name": "loss", "op": "sum", "inputs": ["e"]}], "output": "loss"}""";
        assertThatThrownBy(() -> ForwardPass.record(Engine.compile(definition), Map.of("x", nan)))
                .hasMessageContaining("inputs.x").hasMessageContaining("NaN");
        // e^100 fits a float64 but not a float32: the float32 op's output overflows to infinity.
        Tensor large = Tensor.ofFloats(new int[] {3}, new float[] {1, 100, 3});
        assertThatThrownBy(() -> ForwardPass.record(Engine.compile(definition), Map.of("x", large)))
                .hasMessageContaining("node \"e\"").hasMessageContaining("Infinity");
    }

    /** The network of the gradient-check test, shared so both tests describe the same model. */
    static final class GradientCheckTestAccess {
        static String network(String dtype) {
            return GradientCheckTest.network(dtype);
        }
    }
}
