/**
 * What the pipeline's Kafka transport alone costs, and the most the pipeline could answer on this machine
 * ({@code benchmarks/transport.sh}).
 */
package dev.gradflow.benchmarks.transport;
