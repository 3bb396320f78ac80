package dev.gradflow.benchmarks.pipeline;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import java.time.Duration;
import java.util.Arrays;

/**
 * The in-process engine on the same network and batch, for comparison: {@link ForwardPass#record} then
 * {@link BackwardPass#run} in a loop, as {@code EngineBenchmark} times them, on one thread, after a warm-up. It
 * runs before any load, while the pipeline is idle, so the two do not compete for the cores. A plain loop rather
 * than JMH keeps the figure in the same run; the JMH benchmark is the careful measurement.
 */
final class EngineRate {
    private EngineRate() {
    }

    /**
     * Batches per second: the median of {@code windows} consecutive windows of {@code window} each, after the
     * warm-up. The stack stays up meanwhile, and a single window could land on a burst of its background work (a
     * JVM compiling, a log segment rolling); the median does not.
     */
    static double batchesPerSecond(PipelineCase pipelineCase, Duration warmup, int windows, Duration window) {
        run(pipelineCase, warmup.toNanos());
        double[] rates = new double[windows];
        for (int i = 0; i < windows; i++) {
            rates[i] = run(pipelineCase, window.toNanos());
        }
        Arrays.sort(rates);
        return windows % 2 == 1 ? rates[windows / 2] : (rates[windows / 2 - 1] + rates[windows / 2]) / 2;
    }

    private static double run(PipelineCase pipelineCase, long nanos) {
        long start = System.nanoTime();
        long count = 0;
        double sink = 0;
        long elapsed;
        do {
            GradientSet gradients = BackwardPass.run(ForwardPass.record(pipelineCase.graph(), pipelineCase.feeds()));
            sink += gradients.output().item(); // keeps the work from being optimised away
            count++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        if (!Double.isFinite(sink)) {
            throw new IllegalStateException("the engine's loss is not finite for " + pipelineCase.label());
        }
        return count / (elapsed / 1e9);
    }
}
