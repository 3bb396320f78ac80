package dev.gradflow.core.wire;

/**
 * Whether a batch's answer carries its trace (every node's value and gradient, for a picture of the chain rule).
 * Tracing costs a copy of every intermediate value on the tapes topic and the trace on the gradients topic, so large
 * production batches do not pay for it unless they ask.
 */
public enum TraceRequest {
    /** Traced when the forward pass holds at most {@link #DEFAULT_MAX_ELEMENTS} elements in all, or the network's
     * definition says {@code "trace": true}. */
    AUTO,
    /** Always traced: the request said {@code "trace": true}. */
    ALWAYS,
    /** Never traced: the request said {@code "trace": false}. */
    NEVER;

    /** The most tensor elements, summed over every node's value, that a batch is traced with by default. */
    public static final long DEFAULT_MAX_ELEMENTS = 1_000;

    /** The request as the REST body's {@code "trace"} field says it: absent, true or false. */
    public static TraceRequest of(Boolean trace) {
        return trace == null ? AUTO : trace ? ALWAYS : NEVER;
    }

    /**
     * Whether a batch is traced.
     *
     * @param definitionTraces whether the network's definition says {@code "trace": true}
     * @param elements every node's value's element count, summed
     */
    public boolean traces(boolean definitionTraces, long elements) {
        return switch (this) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> definitionTraces || elements <= DEFAULT_MAX_ELEMENTS;
        };
    }

    int wireCode() {
        return ordinal();
    }

    static TraceRequest read(WireReader reader) {
        int code = reader.u8("trace request");
        if (code >= values().length) {
            throw reader.error("trace request " + code + " is not 0 (auto), 1 (always) or 2 (never)");
        }
        return values()[code];
    }
}
