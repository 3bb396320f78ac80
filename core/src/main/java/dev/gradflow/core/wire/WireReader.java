package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link WireWriter} wrote, checking every length against the bytes that are really there before
 * allocating, so a hostile or truncated record fails with a message instead of exhausting memory. Public so that
 * records outside this package share one reader.
 */
public final class WireReader {
    private final ByteBuffer buffer;
    private final String what;
    /** Where the field being read starts: errors point at the field, not at wherever reading stopped. */
    private int fieldStart;

    public WireReader(byte[] bytes, String what) {
        if (bytes == null) {
            throw new WireFormatException(what + ": no bytes (null record value)");
        }
        this.buffer = ByteBuffer.wrap(bytes);
        this.what = what;
    }

    public WireFormatException error(String problem) {
        return new WireFormatException(what + " at byte " + fieldStart + ": " + problem);
    }

    /** The record's own magic and version, at the start. */
    public void magic(byte[] expected, byte version) {
        magic(expected, version, version);
    }

    /** The record's own magic and a version from {@code oldest} to {@code newest}, at the start; returns it. */
    public int magic(byte[] expected, byte oldest, byte newest) {
        String problem = magicProblem(expected, oldest, newest);
        if (problem != null) {
            throw new WireFormatException(what + ": " + problem);
        }
        return buffer.get(buffer.position() - 1);
    }

    private String magicProblem(byte[] expected, byte oldest, byte newest) {
        fieldStart = buffer.position();
        need(expected.length + 1, "magic and version");
        byte[] magic = new byte[expected.length];
        buffer.get(magic);
        if (!Arrays.equals(magic, expected)) {
            return "bad magic " + printable(magic) + ", expected " + printable(expected);
        }
        byte actual = buffer.get();
        if (actual < oldest || actual > newest) {
            return "unsupported version " + actual + ", this reader knows "
                    + (oldest == newest ? String.valueOf(oldest) : oldest + " to " + newest);
        }
        return null;
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder("\"");
        for (byte b : bytes) {
            text.append(b >= 32 && b < 127 ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
        }
        return text.append('"').toString();
    }

    private void need(long bytes, String field) {
        if (bytes < 0 || bytes > buffer.remaining()) {
            throw new WireFormatException(what + " at byte " + buffer.position() + ": truncated: " + field + " needs "
                    + bytes + " bytes, " + buffer.remaining() + " remain");
        }
    }

    public int u8(String field) {
        fieldStart = buffer.position();
        need(1, field);
        return buffer.get() & 0xff;
    }

    public int i32(String field) {
        fieldStart = buffer.position();
        need(4, field);
        return buffer.getInt();
    }

    /** A count or index that must lie in [0, max]. */
    public int count(String field, int max) {
        int value = i32(field);
        if (value < 0 || value > max) {
            throw error(field + " " + value + " is outside [0, " + max + "]");
        }
        return value;
    }

    public long i64(String field) {
        fieldStart = buffer.position();
        need(8, field);
        return buffer.getLong();
    }

    public double f64(String field) {
        fieldStart = buffer.position();
        need(8, field);
        return buffer.getDouble();
    }

    public String string(String field) {
        int start = buffer.position();
        int length = i32(field + " length");
        need(length, field);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        fieldStart = start;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A length-prefixed run of bytes, as {@link WireWriter#bytes} writes it. */
    public byte[] bytes(String field) {
        int start = buffer.position();
        int length = i32(field + " length");
        need(length, field);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        fieldStart = start;
        return bytes;
    }

    public Tensor tensor(String field) {
        String problem = magicProblem(TensorCodec.MAGIC, TensorCodec.VERSION, TensorCodec.VERSION);
        if (problem != null) {
            throw error(field + ": " + problem);
        }
        DType dtype;
        try {
            dtype = DType.fromWireCode((byte) u8(field + " dtype"));
        } catch (IllegalArgumentException e) {
            throw error(field + ": " + e.getMessage());
        }
        int order = u8(field + " byte order");
        if (order != TensorCodec.LITTLE_ENDIAN && order != TensorCodec.BIG_ENDIAN) {
            throw error(field + ": byte order " + order + " is neither 0 (big-endian) nor 1 (little-endian)");
        }
        int rank = u8(field + " rank");
        if (rank > Shapes.MAX_RANK) {
            throw error(field + ": rank " + rank + " exceeds the maximum " + Shapes.MAX_RANK);
        }
        int[] shape = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = i32(field + " dimension " + d);
            if (shape[d] < 0) {
                throw error(field + ": dimension " + d + " is negative (" + shape[d] + ")");
            }
            elements *= shape[d];
            if (elements > Integer.MAX_VALUE) {
                throw error(field + ": shape " + Shapes.format(Arrays.copyOf(shape, d + 1)) + " is too large");
            }
        }
        need(elements * dtype.bytesPerElement(), field + " data of shape " + Shapes.format(shape));
        ByteBuffer slice = buffer.slice().order(order == TensorCodec.LITTLE_ENDIAN ? ByteOrder.LITTLE_ENDIAN
                : ByteOrder.BIG_ENDIAN);
        // Straight into the tensor's own storage: float32 elements stay float32, with no float64 round trip.
        Tensor tensor = switch (dtype) {
            case FLOAT64 -> {
                double[] data = new double[(int) elements];
                slice.asDoubleBuffer().get(data);
                yield Tensor.ofDoubles(shape, data);
            }
            case FLOAT32 -> {
                float[] data = new float[(int) elements];
                slice.asFloatBuffer().get(data);
                yield Tensor.ofFloats(shape, data);
            }
        };
        buffer.position(buffer.position() + (int) elements * dtype.bytesPerElement());
        return tensor;
    }

    /** Back to the first byte, to read again what a check has just read. */
    void rewind() {
        buffer.position(0);
    }

    public void end() {
        fieldStart = buffer.position();
        if (buffer.hasRemaining()) {
            throw error(buffer.remaining() + " unexpected trailing bytes");
        }
    }
}
