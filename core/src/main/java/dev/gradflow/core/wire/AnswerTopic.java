package dev.gradflow.core.wire;

/**
 * Where the gradient-service writes a batch's answer. A batch record names it and its tape carries it on, so that a
 * job's batches answer to the job's own topic while every other batch answers on {@code gradients}. It is a code, not
 * a topic name: a producer of batches cannot make the gradient-service write anywhere else.
 */
public enum AnswerTopic {
    /** Topic {@code gradients}, keyed by network id: what a client reads. */
    GRADIENTS,
    /** Topic {@code jobs}, keyed by network id, which for a job's batches is the job id: what the job-service reads. */
    JOBS;

    /** The byte on the wire. */
    public int wireCode() {
        return ordinal();
    }

    /** @throws WireFormatException for an unknown code */
    static AnswerTopic read(WireReader reader) {
        int code = reader.u8("answer topic");
        if (code >= values().length) {
            throw reader.error("answer topic " + code + " is neither 0 (gradients) nor 1 (jobs)");
        }
        return values()[code];
    }
}
