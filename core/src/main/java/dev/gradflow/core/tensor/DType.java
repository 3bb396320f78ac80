package dev.gradflow.core.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Element type of a tensor, in definitions and on the wire. A float32 tensor holds only float32 values (see
 * {@link Tensor}) and travels as 4-byte floats; its matrix products run in float32 (sgemm).
 */
public enum DType {
    FLOAT64("float64", (byte) 1, Double.BYTES),
    FLOAT32("float32", (byte) 2, Float.BYTES);

    private final String label;
    private final byte wireCode;
    private final int bytesPerElement;

    DType(String label, byte wireCode, int bytesPerElement) {
        this.label = label;
        this.wireCode = wireCode;
        this.bytesPerElement = bytesPerElement;
    }

    /** Name used in JSON definitions and documentation, e.g. {@code float64}. */
    public String label() {
        return label;
    }

    /** One-byte code used by the binary encodings. */
    public byte wireCode() {
        return wireCode;
    }

    public int bytesPerElement() {
        return bytesPerElement;
    }

    /** Parses a label such as {@code "float64"}; throws {@link IllegalArgumentException} naming the choices. */
    public static DType fromLabel(String label) {
        for (DType type : values()) {
            if (type.label.equals(label.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + label + "', expected one of "
                + Arrays.stream(values()).map(DType::label).toList());
    }

    /** Decodes a wire code; throws {@link IllegalArgumentException} on an unknown one. */
    public static DType fromWireCode(byte code) {
        for (DType type : values()) {
            if (type.wireCode == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown dtype code " + code);
    }
}
