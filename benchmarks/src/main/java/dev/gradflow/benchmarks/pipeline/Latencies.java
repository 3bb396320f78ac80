package dev.gradflow.benchmarks.pipeline;

import java.util.Arrays;

/** Percentiles of latencies, by nearest rank. */
final class Latencies {
    private Latencies() {
    }

    /** The p-th percentile (0 < p ≤ 100) of the values in nanoseconds, in milliseconds; NaN when there are none. */
    static double percentileMillis(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
