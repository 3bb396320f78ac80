package dev.gradflow.exactlyonce;

/**
 * An {@link ExactlyOnceStream}'s state, for a service's health checks.
 *
 * @param state where the stream is
 * @param member the stream's transactional id (and group instance id, for a static member)
 * @param detail why it is not running, or how it runs
 */
public record StreamHealth(State state, String member, String detail) {

    /** The states a stream goes through. */
    public enum State {
        /** Connecting: the transactional producer is not initialised yet. */
        STARTING,
        /** Consuming and committing. */
        RUNNING,
        /** Running, but the loop has not polled for a long time. */
        STALLED,
        /**
         * Running, but the broker refuses its transactions (an ACL missing): nothing is committed, nothing lost, and
         * it retries until the broker allows them.
         */
        BLOCKED,
        /** Stopped for good by an error that retrying cannot fix (authentication, authorisation, fencing). */
        FAILED,
        /** Closed. */
        STOPPED
    }

    /** True when the stream is consuming: the service is ready. */
    public boolean isUp() {
        return state == State.RUNNING;
    }

    /** False only when the stream can no longer recover by itself: the service should be restarted. */
    public boolean isAlive() {
        return state != State.FAILED;
    }

    public static StreamHealth starting() {
        return new StreamHealth(State.STARTING, "", "connecting to Kafka");
    }

    public static StreamHealth running(String member, boolean staticMember) {
        return new StreamHealth(State.RUNNING, member, staticMember ? "static group member" : "dynamic group member");
    }

    public static StreamHealth blocked(String member, String reason) {
        return new StreamHealth(State.BLOCKED, member, reason);
    }

    public static StreamHealth failed(String member, String reason) {
        return new StreamHealth(State.FAILED, member, reason);
    }

    public static StreamHealth stopped(String member) {
        return new StreamHealth(State.STOPPED, member, "closed");
    }

    public StreamHealth stalled(String reason) {
        return new StreamHealth(State.STALLED, member, reason);
    }
}
