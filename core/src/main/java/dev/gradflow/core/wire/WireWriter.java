package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends big-endian header fields and tensors to a growing buffer, in the conventions of docs/wire-format.md.
 * Public so that records outside this package (the optimizer's configuration and state, say) share one writer.
 */
public final class WireWriter {
    private ByteBuffer buffer;

    public WireWriter(int initialCapacity) {
        buffer = ByteBuffer.allocate(Math.max(64, initialCapacity));
    }

    private void ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            long needed = (long) buffer.position() + bytes;
            long capacity = Math.max(needed, (long) buffer.capacity() * 2);
            if (capacity > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("record larger than 2 GiB");
            }
            ByteBuffer grown = ByteBuffer.allocate((int) capacity);
            buffer.flip();
            grown.put(buffer);
            buffer = grown;
        }
    }

    public WireWriter magic(byte[] magic, byte version) {
        ensure(magic.length + 1);
        buffer.put(magic).put(version);
        return this;
    }

    public WireWriter u8(int value) {
        ensure(1);
        buffer.put((byte) value);
        return this;
    }

    public WireWriter i32(int value) {
        ensure(4);
        buffer.putInt(value);
        return this;
    }

    public WireWriter i64(long value) {
        ensure(8);
        buffer.putLong(value);
        return this;
    }

    public WireWriter f64(double value) {
        ensure(8);
        buffer.putDouble(value);
        return this;
    }

    public WireWriter string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        i32(bytes.length);
        ensure(bytes.length);
        buffer.put(bytes);
        return this;
    }

    /** A length-prefixed run of bytes: {@code int32} length, then the bytes (a record nested in another). */
    public WireWriter bytes(byte[] value) {
        i32(value.length);
        ensure(value.length);
        buffer.put(value);
        return this;
    }

    /** A tensor in the layout of {@link TensorCodec}, elements little-endian. */
    public WireWriter tensor(Tensor tensor) {
        int[] shape = tensor.shape();
        ensure(TensorCodec.headerSize(shape.length) + tensor.size() * tensor.dtype().bytesPerElement());
        buffer.put(TensorCodec.MAGIC).put(TensorCodec.VERSION).put(tensor.dtype().wireCode())
                .put(TensorCodec.LITTLE_ENDIAN).put((byte) shape.length);
        for (int dim : shape) {
            buffer.putInt(dim);
        }
        ByteBuffer data = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (tensor.dtype()) {
            case FLOAT64 -> data.asDoubleBuffer().put(tensor.doubles());
            case FLOAT32 -> data.asFloatBuffer().put(tensor.floats());
            default -> throw new IllegalStateException("unhandled dtype " + tensor.dtype());
        }
        buffer.position(buffer.position() + tensor.size() * tensor.dtype().bytesPerElement());
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }
}
