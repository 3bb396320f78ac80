package dev.gradflow.core.tape;

/** A tape the backward pass cannot run: an unknown op, a missing saved value, an index out of order. */
public final class TapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TapeException(String message) {
        super(message);
    }

    public TapeException(String message, Throwable cause) {
        super(message, cause);
    }
}
