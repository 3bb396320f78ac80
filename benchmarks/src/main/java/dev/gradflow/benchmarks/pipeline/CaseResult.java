package dev.gradflow.benchmarks.pipeline;

/**
 * What one case measured; NaN or -1 where a figure does not apply.
 *
 * @param pipelineCase the case
 * @param inPerSecond batches accepted by the gateway (REST) or handed to the producer (topic) per second, loaded
 * @param answeredPerSecond answers per second, loaded
 * @param idleP50 latency one batch at a time, ms
 * @param idleP99 latency one batch at a time, ms
 * @param loadedP50 latency under the throughput load, ms
 * @param loadedP99 latency under the throughput load, ms
 * @param tapeBytes median tape record size, or -1 when not measured
 * @param engineBatchesPerSecond the in-process engine on the same batch
 * @param forwardShares each forward-service instance's fraction of the loaded batches, e.g. {@code 0.50/0.50}
 * @param gradientShares each gradient-service instance's fraction
 * @param failed answers that were failures
 */
record CaseResult(PipelineCase pipelineCase, double inPerSecond, double answeredPerSecond, double idleP50,
        double idleP99, double loadedP50, double loadedP99, long tapeBytes, double engineBatchesPerSecond,
        String forwardShares, String gradientShares, int failed) {
}
