package dev.gradflow.gateway.service;

/** A job that already ended cannot be cancelled. */
public class JobEndedException extends RuntimeException {
    public JobEndedException(String jobId, String status) {
        super("job " + jobId + " already ended (" + status + ")");
    }
}
