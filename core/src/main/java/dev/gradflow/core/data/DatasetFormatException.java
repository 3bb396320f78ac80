package dev.gradflow.core.data;

/**
 * An uploaded data set file ({@code .npy} or CSV) that cannot be read, with a message that says what is wrong and
 * where (a byte offset, or a line and column), fit to show the person who uploaded it. An
 * {@link IllegalArgumentException}, because the file is the caller's argument; its own type lets a REST layer answer
 * it with 400 and the message while treating other failures as its own.
 */
public final class DatasetFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }
}
