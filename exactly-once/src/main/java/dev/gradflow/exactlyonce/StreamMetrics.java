package dev.gradflow.exactlyonce;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A stream's meters, tagged with the topic it reads as {@code channel} (low cardinality: one value per stream).
 * Counted when a transaction commits, so an aborted attempt is never counted.
 */
final class StreamMetrics {
    private final MeterRegistry meters;
    private final String channel;
    private final Counter committed;
    private final Counter aborted;
    private final DistributionSummary recordsPerTransaction;
    private final Timer commitTime;
    private final Counter bytesIn;
    private final Counter bytesOut;
    /** Written by the stream's loop thread only. */
    private final Map<String, Counter> processed = new HashMap<>();

    StreamMetrics(MeterRegistry meters, String channel, IntSupplier inFlight, IntSupplier assignedPartitions) {
        this.meters = meters;
        this.channel = channel;
        committed = transactions("committed");
        aborted = transactions("aborted");
        recordsPerTransaction = DistributionSummary.builder("gradflow.transaction.records")
                .description("Records committed per Kafka transaction").tag("channel", channel)
                .publishPercentileHistogram().register(meters);
        commitTime = Timer.builder("gradflow.transaction.time")
                .description("Time from the start of a transaction to its commit").tag("channel", channel)
                .publishPercentileHistogram().register(meters);
        bytesIn = bytes("in");
        bytesOut = bytes("out");
        Gauge.builder("gradflow.records.in.flight", inFlight::getAsInt)
                .description("Records read and not yet committed").tag("channel", channel).register(meters);
        Gauge.builder("gradflow.partitions.assigned", assignedPartitions::getAsInt)
                .description("Partitions of the input topic this instance consumes").tag("channel", channel)
                .register(meters);
    }

    /** One committed transaction: its outcomes, the input and output value bytes, and how long it took. */
    void committed(List<Outcome> outcomes, long inputBytes, long outputBytes, long nanos) {
        committed.increment();
        recordsPerTransaction.record(outcomes.size());
        commitTime.record(nanos, TimeUnit.NANOSECONDS);
        bytesIn.increment(inputBytes);
        bytesOut.increment(outputBytes);
        Map<String, Integer> byLabel = new HashMap<>();
        for (Outcome outcome : outcomes) {
            byLabel.merge(outcome.label(), 1, Integer::sum);
        }
        // One counter lookup per outcome label and transaction, not per record.
        byLabel.forEach((label, count) -> processed.computeIfAbsent(label, this::processedCounter).increment(count));
    }

    private Counter processedCounter(String label) {
        return Counter.builder("gradflow.records.processed").description("Records consumed and handled")
                .tag("channel", channel).tag("outcome", label).register(meters);
    }

    void aborted() {
        aborted.increment();
    }

    private Counter transactions(String outcome) {
        return Counter.builder("gradflow.transactions").description("Kafka transactions ended")
                .tag("channel", channel).tag("outcome", outcome).register(meters);
    }

    private Counter bytes(String direction) {
        return Counter.builder("gradflow.stream.bytes").baseUnit("bytes")
                .description("Record value bytes consumed (in) and produced (out) in committed transactions")
                .tag("channel", channel).tag("direction", direction).register(meters);
    }
}
