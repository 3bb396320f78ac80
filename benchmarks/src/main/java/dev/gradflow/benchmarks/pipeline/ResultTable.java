package dev.gradflow.benchmarks.pipeline;

import java.util.List;
import java.util.Locale;

/** The pipeline benchmark's markdown table, one row per case. */
final class ResultTable {
    private ResultTable() {
    }

    /**
     * @param window the most batches unanswered during the throughput run: when loaded latency stays near idle
     *     latency, batches did not queue, so the window rather than the pipeline may have set the throughput
     */
    static String render(String heading, List<CaseResult> results, int window) {
        StringBuilder out = new StringBuilder(heading);
        out.append("| case | via | batch | accepted/s | answered/s | samples/s | idle p50 ms | idle p99 ms "
                + "| loaded p50 ms | loaded p99 ms | tape bytes | engine batches/s | pipeline / engine "
                + "| forward share | gradient share |\n");
        out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
        int failed = 0;
        for (CaseResult r : results) {
            PipelineCase c = r.pipelineCase();
            out.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", c.title(),
                    c.rest() ? "REST" : "topic", c.samples(), number(r.inPerSecond(), 1),
                    number(r.answeredPerSecond(), 1), number(r.answeredPerSecond() * c.samples(), 0),
                    number(r.idleP50(), 1), number(r.idleP99(), 1), number(r.loadedP50(), 1),
                    number(r.loadedP99(), 1), r.tapeBytes() < 0 ? "–" : String.format(Locale.ROOT, "%,d",
                            r.tapeBytes()), number(r.engineBatchesPerSecond(), 0),
                    ratio(r.answeredPerSecond() / r.engineBatchesPerSecond()), r.forwardShares(),
                    r.gradientShares()));
            failed += r.failed();
        }
        out.append('\n');
        List<String> windowBound = results.stream()
                .filter(r -> r.loadedP50() < 1.5 * r.idleP50()).map(r -> r.pipelineCase().label()).toList();
        if (!windowBound.isEmpty()) {
            out.append("Loaded latency stayed near idle latency for ").append(String.join(", ", windowBound))
                    .append(": batches did not queue, so the window (").append(window)
                    .append(") may have limited throughput; run again with a larger --window.\n\n");
        }
        if (failed > 0) {
            out.append("**").append(failed).append(" answers were failures**; see the services' logs.\n\n");
        }
        return out.toString();
    }

    private static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /** Pipeline over engine is usually far below 1; show enough digits to read it. */
    private static String ratio(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "–";
        }
        return value >= 0.1 ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%.2g", value);
    }
}
