package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.Examples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecTest {

    @Test
    void aTensorHasTheDocumentedLayout() {
        byte[] bytes = TensorCodec.encode(Tensor.of(new int[] {2, 1}, 1.5, -2));
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        buffer.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("GFTN");
        assertThat(buffer.get()).as("version").isEqualTo((byte) 1);
        assertThat(buffer.get()).as("dtype float64").isEqualTo((byte) 1);
        assertThat(buffer.get()).as("little-endian").isEqualTo((byte) 1);
        assertThat(buffer.get()).as("rank").isEqualTo((byte) 2);
        assertThat(buffer.getInt()).isEqualTo(2);
        assertThat(buffer.getInt()).isEqualTo(1);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.getDouble()).isEqualTo(1.5);
        assertThat(buffer.getDouble()).isEqualTo(-2);
        assertThat(buffer.hasRemaining()).isFalse();
    }

    @Test
    void tensorsRoundTripBitForBitIncludingSpecialValues() {
        Tensor tensor = Tensor.of(new int[] {2, 3}, 0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, -7);
        assertThat(TensorCodec.decode(TensorCodec.encode(tensor))).isEqualTo(tensor);
        Tensor scalar = Tensor.scalar(Math.PI);
        assertThat(TensorCodec.decode(TensorCodec.encode(scalar))).isEqualTo(scalar);
        Tensor float32 = Tensor.of(DType.FLOAT32, new int[] {2}, new double[] {0.5, -3});
        assertThat(TensorCodec.decode(TensorCodec.encode(float32))).isEqualTo(float32);
    }

    @Test
    void aBigEndianTensorFromAnotherWriterIsRead() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 + 16);
        buffer.put(new byte[] {'G', 'F', 'T', 'N', 1, 1, 0, 1}).putInt(2).putDouble(3.25).putDouble(-1);
        assertThat(TensorCodec.decode(buffer.array())).isEqualTo(Tensor.vector(3.25, -1));
    }

    @Test
    void badBytesAreRejectedWithTheReason() {
        byte[] good = TensorCodec.encode(Tensor.vector(1, 2, 3));
        assertThatThrownBy(() -> TensorCodec.decode("not a tensor".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("bad magic \"not \"");
        byte[] version = good.clone();
        version[4] = 9;
        assertThatThrownBy(() -> TensorCodec.decode(version)).hasMessage("tensor: unsupported version 9, this reader knows 1");
        assertThatThrownBy(() -> TensorCodec.decode(Arrays.copyOf(good, good.length - 1)))
                .hasMessageContaining("truncated: tensor data of shape [3] needs 24 bytes, 23 remain");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(8, Integer.MAX_VALUE);
        assertThatThrownBy(() -> TensorCodec.decode(huge)).hasMessageContaining("needs 17179869176 bytes");
        assertThatThrownBy(() -> TensorCodec.decode(Arrays.copyOf(good, good.length + 2)))
                .hasMessageContaining("2 unexpected trailing bytes");
        assertThatThrownBy(() -> TapeRecord.decode(good)).hasMessageContaining("tape record: bad magic \"GFTN\", expected \"GFTP\"");
    }

    @Test
    void batchTapeAndGradientRecordsRoundTrip() {
        Map<String, Tensor> feeds = Map.of("x", Tensor.vector(1, -2, 3));
        BatchRecord batch = new BatchRecord("b-1", "net-1", feeds);
        assertThat(BatchRecord.decode(batch.encode())).isEqualTo(batch);

        Tape tape = ForwardPass.record(Engine.compile(Examples.network("single-neuron")), feeds);
        TapeRecord decodedTape = TapeRecord.decode(TapeRecord.ok("b-1", "net-1", tape).encode());
        assertThat(decodedTape.batchId()).isEqualTo("b-1");
        assertThat(decodedTape.tape().nodes()).hasSameSizeAs(tape.nodes());
        for (int i = 0; i < tape.nodes().size(); i++) {
            TapeNode expected = tape.nodes().get(i);
            TapeNode actual = decodedTape.tape().nodes().get(i);
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.kind()).isEqualTo(expected.kind());
            assertThat(actual.shape()).isEqualTo(expected.shape());
            assertThat(actual.op()).isEqualTo(expected.op());
            assertThat(actual.attributes()).isEqualTo(expected.attributes());
            assertThat(actual.inputs()).isEqualTo(expected.inputs());
            assertThat(actual.saved()).isEqualTo(expected.saved());
        }
        GradientSet gradients = BackwardPass.run(decodedTape.tape());
        assertThat(gradients).isEqualTo(BackwardPass.run(tape));

        GradientRecord result = GradientRecord.ok("b-1", "net-1", gradients);
        assertThat(GradientRecord.decode(result.encode())).isEqualTo(result);
        GradientRecord failed = GradientRecord.failed("b-2", "net-1", "inputs.x: has shape [2]");
        assertThat(GradientRecord.decode(failed.encode())).isEqualTo(failed);
        TapeRecord failedTape = TapeRecord.failed("b-2", "net-1", "no such network");
        assertThat(TapeRecord.decode(failedTape.encode())).isEqualTo(failedTape);
    }

    @Test
    void aTensorSavedByTwoOpsTravelsOnceAndIsSharedAfterDecoding() {
        // y = relu(x) · 2 + relu(x): relu saves its output r, mul saves r and the constant, so r is saved twice.
        Tensor x = Tensor.vector(1, -2, 3, -4, 5, -6, 7, -8);
        Tensor r = Tensor.vector(1, 0, 3, 0, 5, 0, 7, 0);
        Tensor two = Tensor.scalar(2);
        Tape tape = new Tape(DType.FLOAT64, List.of(TapeNode.leaf("x", NodeKind.INPUT, new int[] {8}),
                new TapeNode("r", NodeKind.OP, new int[] {8}, "relu", new double[0], new int[] {0}, List.of(r)),
                TapeNode.leaf("two", NodeKind.CONSTANT, new int[0]),
                new TapeNode("m", NodeKind.OP, new int[] {8}, "mul", new double[0], new int[] {1, 2}, List.of(r, two)),
                new TapeNode("y", NodeKind.OP, new int[0], "sum", new double[0], new int[] {3}, List.of())), 4,
                Tensor.scalar(32));

        byte[] encoded = TapeRecord.ok("b", "n", tape).encode();
        Tape decoded = TapeRecord.decode(encoded).tape();

        assertThat(encoded[4]).as("version").isEqualTo((byte) 5);
        assertThat(decoded.nodes().get(1).saved().get(0)).isSameAs(decoded.nodes().get(3).saved().get(0))
                .isEqualTo(r);
        byte[] inPlace = versionOne(tape);
        // Version 5 adds the recipe count (4 bytes), 4 the traced flag (1 byte), 3 the answer topic (1 byte).
        assertThat(encoded.length).as("r's 8 float64s travel once")
                .isEqualTo(inPlace.length - 8 * 8 - 8 + 4 * 4 + 2 + 4);
        assertThat(BackwardPass.run(decoded)).isEqualTo(BackwardPass.run(tape));
        assertThat(BackwardPass.run(TapeRecord.decode(inPlace).tape())).as("version 1 is still read")
                .isEqualTo(BackwardPass.run(tape));
        byte[] future = encoded.clone();
        future[4] = 6;
        assertThatThrownBy(() -> TapeRecord.decode(future))
                .hasMessage("tape record: unsupported version 6, this reader knows 1 to 5");
        byte[] badIndex = encoded.clone();
        // y: name, kind, rank, op, counts, input; then the traced flag
        int lastNodeBytes = (4 + 1) + 1 + 1 + (4 + 3) + 1 + 1 + 4 + 1 + 1;
        ByteBuffer.wrap(badIndex).putInt(badIndex.length - lastNodeBytes - 4, 7); // m's second saved index
        assertThatThrownBy(() -> TapeRecord.decode(badIndex))
                .hasMessageEndingWith("node 3 saved 1: tensor index 7 is outside the 3 tensors");
    }

    /** The same tape in version 1's layout, each saved tensor written in place. */
    private static byte[] versionOne(Tape tape) {
        WireWriter writer = new WireWriter(256).magic(TapeRecord.MAGIC, (byte) 1).string("b").string("n").u8(0)
                .u8(tape.dtype().wireCode()).i32(tape.output()).i32(tape.nodes().size());
        for (TapeNode node : tape.nodes()) {
            writer.string(node.name()).u8(node.kind().ordinal()).u8(node.shape().length);
            for (int dim : node.shape()) {
                writer.i32(dim);
            }
            if (node.kind() == NodeKind.OP) {
                writer.string(node.op()).u8(node.attributes().length);
                for (double attribute : node.attributes()) {
                    writer.f64(attribute);
                }
                writer.u8(node.inputs().length);
                for (int input : node.inputs()) {
                    writer.i32(input);
                }
                writer.u8(node.saved().size());
                node.saved().forEach(writer::tensor);
            }
        }
        return writer.tensor(tape.outputValue()).toByteArray();
    }
}
