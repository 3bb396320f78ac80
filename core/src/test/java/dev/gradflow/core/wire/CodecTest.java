package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void tapesAreWrittenAsVersion2AndVersion1TapesAreStillRead() {
        Map<String, Tensor> feeds = Map.of("x", Tensor.vector(1, -2, 3));
        Tape tape = ForwardPass.record(Engine.compile(Examples.network("single-neuron")), feeds);
        byte[] bytes = TapeRecord.ok("b-1", "net-1", tape).encode();
        assertThat(bytes[4]).as("version").isEqualTo((byte) 2);
        byte[] version1 = bytes.clone();
        version1[4] = 1;
        assertThat(BackwardPass.run(TapeRecord.decode(version1).tape())).isEqualTo(BackwardPass.run(tape));
        byte[] version0 = bytes.clone();
        version0[4] = 0;
        assertThatThrownBy(() -> TapeRecord.decode(version0))
                .hasMessage("tape record: unsupported version 0, this reader knows 1 to 2");
    }
}
