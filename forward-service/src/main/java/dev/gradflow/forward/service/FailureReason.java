package dev.gradflow.forward.service;

import java.util.Arrays;
import java.util.List;

/**
 * Why a batch became a failed tape, as the {@code reason} tag of {@code gradflow_failures_total}: a fixed, small
 * set, so that an operator can graph and alert on each (the failure's full message goes to the submitter).
 */
public enum FailureReason {
    /** An input exceeds {@code gradflow.forward.max-tensor-elements}. */
    LIMIT("limit"),
    /** The batch's network was not registered within {@code gradflow.forward.pending-timeout}. */
    NETWORK_NOT_REGISTERED("network-not-registered"),
    /** The batch does not fit its network: a missing input, a wrong shape or dtype. */
    INVALID_BATCH("invalid-batch"),
    /** The forward pass produced NaN or an infinity. */
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
