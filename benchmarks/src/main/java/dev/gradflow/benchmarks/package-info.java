/**
 * JMH benchmarks of the core engine, and of the gemm implementations it was chosen from. Run them with
 * {@code benchmarks/run.sh}; the build compiles them but never runs them.
 *
 * <p>{@link dev.gradflow.benchmarks.EngineBenchmark} times a forward and backward pass through the public core
 * API, {@link dev.gradflow.benchmarks.GemmBenchmark} the raw matrix products per implementation, and
 * {@link dev.gradflow.benchmarks.Run} runs JMH and prints samples per second and GFLOP/s.
 */
package dev.gradflow.benchmarks;
