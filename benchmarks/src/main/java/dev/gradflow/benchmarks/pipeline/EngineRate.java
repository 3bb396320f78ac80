package dev.gradflow.benchmarks.pipeline;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import java.time.Duration;

/**
 * The in-process engine on the same network and batch, for comparison: {@link ForwardPass#record} then
 * {@link BackwardPass#run} in a loop, as {@code EngineBenchmark} times them, on one thread, after a warm-up. It
 * runs while the pipeline is idle, so the two do not compete for the cores. A plain loop rather than JMH keeps the
 * figure in the same run; the JMH benchmark is the careful measurement.
 */
final class EngineRate {
    private EngineRate() {
    }

    /** Batches per second. */
    static double batchesPerSecond(PipelineCase pipelineCase, Duration warmup, Duration measure) {
        run(pipelineCase, warmup.toNanos());
        return run(pipelineCase, measure.toNanos());
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
