package dev.gradflow.gateway.service;

/** Kafka did not acknowledge a record in time; the client may retry. */
public class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
