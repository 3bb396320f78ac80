package dev.gradflow.gateway.service;

/** No job with this id is known to this gateway. */
public class UnknownJobException extends RuntimeException {
    public UnknownJobException(String jobId) {
        super("no job with id " + jobId);
    }
}
