package dev.gradflow.core.train;

import dev.gradflow.core.wire.WireWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The persisted configuration and state read back bit for bit, and bad bytes rejected with the reason. */
class OptimizerCodecTest {

    /** An Adam state after three steps on a float64 matrix and a float32 vector. */
    private static OptimizerState adamState() {
        SplittableRandom random = new SplittableRandom(17);
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        parameters.put("dense1.weights", Tensor.of(new int[] {2, 3}, random.doubles(6, -1, 1).toArray()));
        parameters.put("dense1.biases", Tensor.of(DType.FLOAT32, new int[] {3}, random.doubles(3, -1, 1).toArray()));
        OptimizerState state = OptimizerState.initial();
        Adam adam = new Adam(0.01, 1e-3, 1e-7, 0.9, 0.999);
        for (int i = 0; i < 3; i++) {
            Map<String, Tensor> gradients = new LinkedHashMap<>();
            parameters.forEach((name, p) -> gradients.put(name, Tensor.of(p.dtype(), p.shape(),
                    random.doubles(p.size(), -1, 1).toArray())));
            StepResult result = adam.step(parameters, gradients, state);
            parameters = result.parameters();
            state = result.state();
        }
        return state;
    }

    @Test
    void aStateRoundTripsBitForBit() {
        OptimizerState state = adamState();
        OptimizerState decoded = OptimizerCodec.decodeState(OptimizerCodec.encodeState(state));
        assertThat(decoded).isEqualTo(state);
        assertThat(decoded.slots().get("dense1.biases").get("cache").dtype()).isEqualTo(DType.FLOAT32);
        // Values that only a bitwise codec keeps: −0, the smallest subnormal, the largest double, a scalar.
        OptimizerState special = new OptimizerState(Long.MAX_VALUE - 1, Map.of("b", Map.of("momentums",
                Tensor.vector(-0.0, Double.MIN_VALUE, Double.MAX_VALUE)), "s", Map.of("cache", Tensor.scalar(0.1))));
        assertThat(OptimizerCodec.decodeState(OptimizerCodec.encodeState(special))).isEqualTo(special);
        assertThat(OptimizerCodec.decodeState(OptimizerCodec.encodeState(OptimizerState.initial())))
                .isEqualTo(OptimizerState.initial());
    }

    @Test
    void everyOptimizerRoundTrips() {
        for (Optimizer optimizer : List.of(new Sgd(), new Sgd(0.3, 1e-3, 0.5), new Adagrad(0.7, 1e-4, 1e-6),
                new RmsProp(0.002, 0, 1e-8, 0.95), new Adam(3e-4, 1e-5, 1e-8, 0.85, 0.995))) {
            assertThat(OptimizerCodec.decodeOptimizer(OptimizerCodec.encodeOptimizer(optimizer)))
                    .isEqualTo(optimizer);
        }
    }

    @Test
    void aStateReadBackContinuesExactlyWhereItStopped() {
        // The crash-and-resume case: five steps in one go, against two steps, a write and read of the state and the
        // parameters, and three more steps.
        Adam adam = new Adam(0.01, 1e-2, 1e-7, 0.9, 0.999);
        SplittableRandom random = new SplittableRandom(23);
        Map<String, Tensor> start = Steps.one("w", Tensor.of(DType.FLOAT32, new int[] {4},
                random.doubles(4, -1, 1).toArray()));
        Tensor[] gradients = new Tensor[5];
        for (int i = 0; i < 5; i++) {
            gradients[i] = Tensor.of(DType.FLOAT32, new int[] {4}, random.doubles(4, -1, 1).toArray());
        }
        Map<String, Tensor> straight = start;
        OptimizerState straightState = OptimizerState.initial();
        Map<String, Tensor> resumed = start;
        OptimizerState resumedState = OptimizerState.initial();
        for (int i = 0; i < 5; i++) {
            StepResult a = adam.step(straight, Steps.one("w", gradients[i]), straightState);
            straight = a.parameters();
            straightState = a.state();
            StepResult b = adam.step(resumed, Steps.one("w", gradients[i]), resumedState);
            resumed = b.parameters();
            resumedState = OptimizerCodec.decodeState(OptimizerCodec.encodeState(b.state()));
            if (i == 1) {
                adam = (Adam) OptimizerCodec.decodeOptimizer(OptimizerCodec.encodeOptimizer(adam));
            }
        }
        assertThat(resumed).isEqualTo(straight);
        assertThat(resumedState).isEqualTo(straightState);
    }

    @Test
    void theStateHasTheDocumentedLayout() {
        OptimizerState state = new OptimizerState(7, Map.of("w", Map.of("cache", Tensor.vector(2.5))));
        ByteBuffer bytes = ByteBuffer.wrap(OptimizerCodec.encodeState(state));
        byte[] magic = new byte[4];
        bytes.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("GFOS");
        assertThat(bytes.get()).as("version").isEqualTo((byte) 1);
        assertThat(bytes.getLong()).as("iterations").isEqualTo(7);
        assertThat(bytes.getInt()).as("parameter count").isEqualTo(1);
        assertThat(bytes.getInt()).as("name length").isEqualTo(1);
        assertThat(bytes.get()).isEqualTo((byte) 'w');
        assertThat(bytes.get()).as("slot count").isEqualTo((byte) 1);
        assertThat(bytes.getInt()).as("slot name length").isEqualTo(5);
        bytes.position(bytes.position() + 5);
        assertThat(bytes.remaining()).as("one tensor: 8-byte header, one dimension, one float64").isEqualTo(8 + 4 + 8);
    }

    @Test
    void badStateBytesAreRejectedWithTheReason() {
        byte[] good = OptimizerCodec.encodeState(adamState());
        // Every truncation fails with a WireFormatException, never an exception of the reading itself.
        for (int length = 0; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            assertThatThrownBy(() -> OptimizerCodec.decodeState(truncated)).as("length %d", length)
                    .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> OptimizerCodec.decodeState(Arrays.copyOf(good, good.length + 3)))
                .hasMessage("optimizer state at byte " + good.length + ": 3 unexpected trailing bytes");
        byte[] magic = good.clone();
        magic[3] = 'X';
        assertThatThrownBy(() -> OptimizerCodec.decodeState(magic))
                .hasMessage("optimizer state: bad magic \"GFOX\", expected \"GFOS\"");
        byte[] version = good.clone();
        version[4] = 2;
        assertThatThrownBy(() -> OptimizerCodec.decodeState(version))
                .hasMessage("optimizer state: unsupported version 2, this reader knows 1");
        assertThatThrownBy(() -> OptimizerCodec.decodeState(OptimizerCodec.encodeOptimizer(new Adam())))
                .hasMessage("optimizer state: bad magic \"GFOP\", expected \"GFOS\"");
        assertThatThrownBy(() -> OptimizerCodec.decodeState(null))
                .hasMessage("optimizer state: no bytes (null record value)");

        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).putLong(5, -1);
        assertThatThrownBy(() -> OptimizerCodec.decodeState(negative))
                .hasMessage("optimizer state at byte 5: iterations -1 is negative");
        byte[] manyParameters = good.clone();
        ByteBuffer.wrap(manyParameters).putInt(13, Integer.MAX_VALUE);
        assertThatThrownBy(() -> OptimizerCodec.decodeState(manyParameters))
                .hasMessage("optimizer state at byte 13: parameter count 2147483647 is outside [0, 1000000]");
    }

    @Test
    void aTensorClaimingMoreThanIsThereIsRejectedBeforeAllocating() {
        OptimizerState state = new OptimizerState(1, Map.of("w", Map.of("cache", Tensor.vector(1, 2, 3))));
        byte[] good = OptimizerCodec.encodeState(state);
        int tensorStart = good.length - (8 + 4 + 24);
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(tensorStart + 8, Integer.MAX_VALUE);
        // Reported where the tensor starts, before a 16 GiB array is even considered.
        int dataStart = tensorStart + 12;
        assertThatThrownBy(() -> OptimizerCodec.decodeState(huge)).hasMessage("optimizer state at byte "
                + dataStart + ": truncated: slot \"cache\" of \"w\" data of shape [2147483647] needs 17179869176"
                + " bytes, " + (good.length - dataStart) + " remain");
        byte[] notATensor = good.clone();
        notATensor[tensorStart] = 'X';
        assertThatThrownBy(() -> OptimizerCodec.decodeState(notATensor)).hasMessage("optimizer state at byte "
                + tensorStart + ": slot \"cache\" of \"w\": bad magic \"XFTN\", expected \"GFTN\"");
        byte[] tensorVersion = good.clone();
        tensorVersion[tensorStart + 4] = 9;
        assertThatThrownBy(() -> OptimizerCodec.decodeState(tensorVersion)).hasMessage("optimizer state at byte "
                + tensorStart + ": slot \"cache\" of \"w\": unsupported version 9, this reader knows 1");
        byte[] dtype = good.clone();
        dtype[tensorStart + 5] = 7;
        assertThatThrownBy(() -> OptimizerCodec.decodeState(dtype)).hasMessage("optimizer state at byte "
                + (tensorStart + 5) + ": slot \"cache\" of \"w\": unknown dtype code 7");
    }

    @Test
    void duplicateNamesAreRejected() {
        byte[] one = OptimizerCodec.encodeState(new OptimizerState(1, Map.of("w", Map.of("cache",
                Tensor.vector(1)))));
        // Header (5 + 8), then the count 1 and one parameter: write the parameter twice with a count of 2.
        byte[] parameter = Arrays.copyOfRange(one, 17, one.length);
        ByteBuffer twice = ByteBuffer.allocate(one.length + parameter.length);
        twice.put(one, 0, 13).putInt(2).put(parameter).put(parameter);
        assertThatThrownBy(() -> OptimizerCodec.decodeState(twice.array()))
                .hasMessage("optimizer state at byte " + (17 + parameter.length) + ": parameter \"w\" appears twice");
    }

    @Test
    void badConfigurationBytesAreRejectedWithTheReason() {
        byte[] good = OptimizerCodec.encodeOptimizer(new RmsProp());
        for (int length = 0; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(truncated)).as("length %d", length)
                    .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(Arrays.copyOf(good, good.length + 1)))
                .hasMessage("optimizer configuration at byte " + good.length + ": 1 unexpected trailing bytes");
        byte[] version = good.clone();
        version[4] = 0;
        assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(version))
                .hasMessage("optimizer configuration: unsupported version 0, this reader knows 1");

        // RMSprop with rho = 1.5, written by hand: the reader applies the same checks as a request.
        byte[] rho = configuration("rmsprop", "learningRate", 0.001, "decay", 0, "epsilon", 1e-7, "rho", 1.5);
        assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(rho)).isInstanceOf(WireFormatException.class)
                .hasMessage("optimizer configuration: optimizer.rho: must be in [0, 1), got 1.5");
        byte[] missing = configuration("adam", "learningRate", 0.001, "decay", 0, "epsilon", 1e-7, "beta1", 0.9);
        assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(missing)).hasMessage("optimizer configuration: "
                + "adam needs every option [learningRate, decay, epsilon, beta1, beta2], \"beta2\" is missing");
        byte[] unknown = configuration("lion", "learningRate", 0.001);
        assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(unknown)).hasMessage("optimizer configuration at "
                + "byte 5: unknown optimizer type \"lion\", expected one of [sgd, adagrad, rmsprop, adam]");
        byte[] twice = configuration("sgd", "learningRate", 1, "learningRate", 2, "decay", 0, "momentum", 0);
        assertThatThrownBy(() -> OptimizerCodec.decodeOptimizer(twice))
                .hasMessageEndingWith("option \"learningRate\" appears twice");
    }

    /** A configuration record written field by field, as docs describe it: type, count, then name and value. */
    private static byte[] configuration(String type, Object... options) {
        WireWriter writer = new WireWriter(64).magic(OptimizerCodec.OPTIMIZER_MAGIC, OptimizerCodec.VERSION)
                .string(type).u8(options.length / 2);
        for (int i = 0; i < options.length; i += 2) {
            writer.string((String) options[i]).f64(((Number) options[i + 1]).doubleValue());
        }
        return writer.toByteArray();
    }
}
