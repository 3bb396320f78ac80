package dev.gradflow.gradient.service;

import java.util.Arrays;
import java.util.List;

/**
 * Why a tape became a failed answer, as the {@code reason} tag of {@code gradflow_failures_total}: a fixed, small
 * set, so that an operator can graph and alert on each (the failure's full message goes to the submitter).
 */
public enum FailureReason {
    /** The forward-service already failed the batch; its reason is counted there, under the {@code batches} channel. */
    FAILED_UPSTREAM("failed-upstream"),
    /** The tape exceeds {@code gradflow.gradient.max-tape-nodes} or {@code gradflow.gradient.max-tensor-elements}. */
    LIMIT("limit"),
    /** The tape is well-formed but inconsistent: an op it cannot differentiate, a node that refers ahead. */
    INVALID_TAPE("invalid-tape"),
    /** The backward pass produced NaN or an infinity. */
    NON_FINITE("non-finite");

    private final String tag;

    FailureReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    /** Every tag, to register the counters at zero. */
    public static List<String> tags() {
        return Arrays.stream(values()).map(FailureReason::tag).toList();
    }
}
