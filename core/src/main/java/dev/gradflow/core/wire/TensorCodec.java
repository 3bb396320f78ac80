package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.Tensor;

/**
 * A single tensor:
 * <pre>
 * 4 bytes  magic "GFTN"
 * 1 byte   version (1)
 * 1 byte   dtype: 1 = float64, 2 = float32
 * 1 byte   byte order of the elements: 0 = big-endian, 1 = little-endian (writers use 1)
 * 1 byte   rank r (0..8)
 * 4·r      dimensions, int32 big-endian, row-major
 * n·size   elements in the stated byte order
 * </pre>
 */
public final class TensorCodec {
    static final byte[] MAGIC = {'G', 'F', 'T', 'N'};
    static final byte VERSION = 1;
    static final byte BIG_ENDIAN = 0;
    static final byte LITTLE_ENDIAN = 1;

    private TensorCodec() {
    }

    static int headerSize(int rank) {
        return 8 + 4 * rank;
    }

    public static byte[] encode(Tensor tensor) {
        // The writer's buffer holds only the header; the elements go straight into the record.
        return new WireWriter(headerSize(tensor.rank())).tensor(tensor).toByteArray();
    }

    /** @throws WireFormatException when the bytes are not exactly one valid tensor */
    public static Tensor decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "tensor");
        reader.magic(MAGIC, VERSION);
        reader.rewind();
        Tensor tensor = reader.tensor("tensor");
        reader.end();
        return tensor;
    }
}
