package dev.gradflow.core.wire;

/** Bytes that are not a valid record of the expected kind and version; the message says where and why. */
public final class WireFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
