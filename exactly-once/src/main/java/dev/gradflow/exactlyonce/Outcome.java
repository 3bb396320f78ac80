package dev.gradflow.exactlyonce;

import java.util.Objects;

/** What one input record becomes: an answer on the stream's output topic, or a dead letter. */
public sealed interface Outcome {

    /** The metric tag of this outcome ({@code ok}, {@code failed}, {@code dead-lettered}, ...). */
    String label();

    /**
     * A record for the output topic.
     *
     * @param key the output record's key (may be null)
     * @param value the output record's value
     * @param label the metric tag, e.g. {@code ok} or {@code failed}
     */
    record Answer(String key, byte[] value, String label) implements Outcome {
        public Answer {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(label, "label");
        }
    }

    /**
     * The input record, unchanged, for the dead-letter topic, with the reason in its headers.
     *
     * @param reason why the record could not be processed; it becomes the {@code dead-letter-reason} header
     */
    record DeadLetter(String reason) implements Outcome {
        public DeadLetter {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String label() {
            return "dead-lettered";
        }
    }
}
