package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends big-endian header fields and tensors to a record, in the conventions of docs/wire-format.md. Public so
 * that records outside this package (the optimizer's configuration and state, say) share one writer.
 *
 * <p>Why tensors are written last: a record is mostly tensor elements (a 784-256-128-10 tape, 4 MB), and growing
 * one buffer while writing them copied and zeroed the record several times over. The writer keeps the small fields
 * in a buffer and only notes where each tensor's elements go; {@link #toByteArray} allocates the record once, at
 * its exact size, and copies every tensor's elements straight into it. Tensors are immutable, so the elements
 * copied then are those the tensor had when it was written. A writer makes one record: it is spent by
 * {@link #toByteArray}.
 */
public final class WireWriter {
    /** The small fields, in order; the tensors' elements go between them, at {@link ElementRun#at}. */
    private ByteBuffer fields;
    private final List<ElementRun> runs = new ArrayList<>();
    private long elementBytes;

    /** A tensor's elements, inserted in the record where the small fields had reached {@code at}. */
    private record ElementRun(int at, Tensor tensor, long bytes) {
    }

    /** @param initialCapacity the small fields' first capacity; tensors' elements do not count */
    public WireWriter(int initialCapacity) {
        fields = ByteBuffer.allocate(Math.min(Math.max(64, initialCapacity), 1 << 16));
    }

    private void ensure(int bytes) {
        if (fields == null) {
            throw new IllegalStateException("this writer's record was already taken by toByteArray");
        }
        if (fields.remaining() < bytes) {
            long needed = (long) fields.position() + bytes;
            long capacity = Math.max(needed, (long) fields.capacity() * 2);
            if (capacity + elementBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("record larger than 2 GiB");
            }
            ByteBuffer grown = ByteBuffer.allocate((int) capacity);
            fields.flip();
            grown.put(fields);
            fields = grown;
        }
    }

    public WireWriter magic(byte[] magic, byte version) {
        ensure(magic.length + 1);
        fields.put(magic).put(version);
        return this;
    }

    public WireWriter u8(int value) {
        ensure(1);
        fields.put((byte) value);
        return this;
    }

    public WireWriter i32(int value) {
        ensure(4);
        fields.putInt(value);
        return this;
    }

    public WireWriter i64(long value) {
        ensure(8);
        fields.putLong(value);
        return this;
    }

    public WireWriter f64(double value) {
        ensure(8);
        fields.putDouble(value);
        return this;
    }

    public WireWriter string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        i32(bytes.length);
        ensure(bytes.length);
        fields.put(bytes);
        return this;
    }

    /** A length-prefixed run of bytes: {@code int32} length, then the bytes (a record nested in another). */
    public WireWriter bytes(byte[] value) {
        i32(value.length);
        ensure(value.length);
        fields.put(value);
        return this;
    }

    /** A tensor in the layout of {@link TensorCodec}, elements little-endian. */
    public WireWriter tensor(Tensor tensor) {
        int[] shape = tensor.shape();
        ensure(TensorCodec.headerSize(shape.length));
        fields.put(TensorCodec.MAGIC).put(TensorCodec.VERSION).put(tensor.dtype().wireCode())
                .put(TensorCodec.LITTLE_ENDIAN).put((byte) shape.length);
        for (int dim : shape) {
            fields.putInt(dim);
        }
        long bytes = (long) tensor.size() * tensor.dtype().bytesPerElement();
        if ((long) fields.capacity() + elementBytes + bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("record larger than 2 GiB");
        }
        runs.add(new ElementRun(fields.position(), tensor, bytes));
        elementBytes += bytes;
        return this;
    }

    /** The record, allocated once at its exact size. The writer is spent: writing to it again is an error. */
    public byte[] toByteArray() {
        ensure(0);
        byte[] record = new byte[(int) (fields.position() + elementBytes)];
        byte[] small = fields.array();
        ByteBuffer out = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        int copied = 0;
        for (ElementRun run : runs) {
            out.put(small, copied, run.at() - copied);
            copied = run.at();
            // Bulk copies into a little-endian view: one memory copy on a little-endian machine.
            ByteBuffer elements = out.slice().order(ByteOrder.LITTLE_ENDIAN);
            switch (run.tensor().dtype()) {
                case FLOAT64 -> elements.asDoubleBuffer().put(run.tensor().doubles());
                case FLOAT32 -> elements.asFloatBuffer().put(run.tensor().floats());
                default -> throw new IllegalStateException("unhandled dtype " + run.tensor().dtype());
            }
            out.position(out.position() + (int) run.bytes());
        }
        out.put(small, copied, fields.position() - copied);
        fields = null;
        return record;
    }
}
