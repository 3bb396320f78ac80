package dev.gradflow.gateway.service;

/** An idempotency key reused for a different request body. */
public class IdempotencyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyConflictException(String key) {
        super("Idempotency-Key \"" + key + "\" was already used for a different batch");
    }
}
