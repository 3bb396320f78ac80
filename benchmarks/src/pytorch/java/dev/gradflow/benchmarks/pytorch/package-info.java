/**
 * The PyTorch reference for {@link dev.gradflow.benchmarks.EngineBenchmark}: the same networks, batches and
 * gradients computed by PyTorch (CPU) through DJL, timed in the same JMH run so the two can be compared side by side.
 *
 * <p>Compiled only with the Maven profile {@code pytorch} ({@code benchmarks/run.sh --pytorch}), which adds DJL's
 * PyTorch engine; the normal build neither downloads nor compiles it.
 */
package dev.gradflow.benchmarks.pytorch;
