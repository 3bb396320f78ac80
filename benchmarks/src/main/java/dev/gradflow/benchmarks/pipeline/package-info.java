/**
 * The driver of {@code benchmarks/pipeline.sh}: it measures the whole pipeline (gateway, Kafka, forward-service,
 * gradient-service) that the script has started, and prints one markdown table.
 *
 * <p>{@link dev.gradflow.benchmarks.pipeline.CreateTopics} creates the topics before the services start, with
 * enough partitions for several instances to share the work. {@link dev.gradflow.benchmarks.pipeline.PipelineBenchmark}
 * then runs each {@link dev.gradflow.benchmarks.pipeline.PipelineCase}: it registers the network, measures latency
 * one batch at a time, throughput with a bounded number of batches in flight (and latency under that load), the
 * size of the tapes, each instance's share of the work, and the in-process engine on the same batch for
 * comparison. Answers are read from {@code gradients} with {@code read_committed}, as any consumer must.
 *
 * <p>{@link dev.gradflow.benchmarks.pipeline.HopLatency} takes one batch's idle latency apart, hop by hop, against a
 * stack that is already running ({@code ./run-pipeline.sh}).
 */
package dev.gradflow.benchmarks.pipeline;
