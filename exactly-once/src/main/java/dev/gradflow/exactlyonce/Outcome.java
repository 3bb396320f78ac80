package dev.gradflow.exactlyonce;

import java.util.Objects;

/**
 * What one input record becomes: an answer on the stream's output topic, or a dead letter. Each carries the
 * low-cardinality tags the stream's metrics count it under when its transaction commits.
 */
public sealed interface Outcome {

    /** The {@code outcome} tag of {@code gradflow_records_processed_total}: {@code ok}, {@code failed} or {@code dead-lettered}. */
    String label();

    /**
     * A record for the output topic: a successful answer, or an answer that reports a failure to its submitter.
     *
     * @param key the output record's key (may be null)
     * @param value the output record's value
     * @param samples how many samples (batch rows) the answer covers; counted in
     *     {@code gradflow_samples_processed_total}
     * @param failureReason null for a successful answer; else the class of failure, a tag of
     *     {@code gradflow_failures_total} drawn from a small fixed set (e.g. {@code limit}, {@code non-finite}), never
     *     the failure's message
     * @param topic the topic to write it to instead of the stream's output topic, or null for the output topic
     */
    record Answer(String key, byte[] value, int samples, String failureReason, String topic) implements Outcome {
        public Answer {
            Objects.requireNonNull(value, "value");
            if (samples < 0) {
                throw new IllegalArgumentException("samples must not be negative: " + samples);
            }
        }

        /** A successful answer. */
        public static Answer ok(String key, byte[] value, int samples) {
            return new Answer(key, value, samples, null, null);
        }

        /** An answer that reports a failure of the class {@code reason}. */
        public static Answer failed(String key, byte[] value, int samples, String reason) {
            return new Answer(key, value, samples, Objects.requireNonNull(reason, "reason"), null);
        }

        /**
         * The same answer for another topic: a job's batch is answered on the job's topic. The stream's producer
         * writes it in the same transaction as every other output, so it is exactly-once like them.
         */
        public Answer to(String otherTopic) {
            return new Answer(key, value, samples, failureReason, Objects.requireNonNull(otherTopic, "otherTopic"));
        }

        public boolean isFailed() {
            return failureReason != null;
        }

        @Override
        public String label() {
            return isFailed() ? "failed" : "ok";
        }
    }

    /**
     * The input record, unchanged, for the dead-letter topic, with the reason in its headers.
     *
     * @param reason why the record could not be processed; it becomes the {@code dead-letter-reason} header
     * @param cause the class of the reason, the {@code reason} tag of {@code gradflow_dead_letters_total}
     */
    record DeadLetter(String reason, Cause cause) implements Outcome {
        public DeadLetter {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cause, "cause");
        }

        /** A record that is not in the input topic's format. */
        public static DeadLetter malformed(String reason) {
            return new DeadLetter(reason, Cause.MALFORMED);
        }

        @Override
        public String label() {
            return "dead-lettered";
        }
    }

    /** Why a record was dead-lettered, as a metric tag. */
    enum Cause {
        /** The bytes are not a record of the input topic's format. */
        MALFORMED("malformed"),
        /** Its output was larger than the producer or the broker accepts. */
        TOO_LARGE("too-large"),
        /** The handler failed with an unexpected exception: a bug. */
        UNEXPECTED_ERROR("unexpected-error");

        private final String tag;

        Cause(String tag) {
            this.tag = tag;
        }

        /** The value of the metric's {@code reason} tag. */
        public String tag() {
            return tag;
        }
    }
}
