package dev.gradflow.exactlyonce;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A stream's meters, tagged with the topic it reads as {@code channel} (low cardinality: one value per stream).
 * Counted when a transaction commits, so an aborted attempt is never counted.
 */
public final class StreamMetrics {
    private final MeterRegistry meters;
    private final String channel;
    private final Counter committed;
    private final Counter aborted;
    private final DistributionSummary recordsPerTransaction;
    private final Timer commitTime;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter samples;
    private final Timer latency;
    /** Written by the stream's loop thread only. */
    private final Map<String, Counter> processed = new HashMap<>();
    /** Also written once by {@link #expectFailures}, from the thread that starts the stream. */
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<Outcome.Cause, Counter> deadLetters = new EnumMap<>(Outcome.Cause.class);

    /**
     * @param channel the input topic, the {@code channel} tag of every meter
     */
    public StreamMetrics(MeterRegistry meters, String channel, IntSupplier inFlight, IntSupplier assignedPartitions) {
        this.meters = meters;
        this.channel = channel;
        committed = transactions("committed");
        aborted = transactions("aborted");
        recordsPerTransaction = DistributionSummary.builder("gradflow.transaction.records")
                .description("Records committed per Kafka transaction").tag("channel", channel)
                // Bounded like the timers: unbounded, the histogram published about 250 buckets per channel, most
                // of them past any transaction's size (a transaction holds at most max-records-per-transaction).
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(100_000.0)
                .register(meters);
        commitTime = Timer.builder("gradflow.transaction.time")
                .description("Time from the start of a transaction to its commit").tag("channel", channel)
                .publishPercentileHistogram().register(meters);
        samples = Counter.builder("gradflow.samples.processed")
                .description("Samples (batch rows) in answers committed").tag("channel", channel).register(meters);
        latency = Timer.builder("gradflow.end.to.end.latency")
                .description("Time from a batch's submission (its record's timestamp, which every stage passes on) to "
                        + "the commit of this stage's answer; for the tapes channel, to its gradients")
                .tag("channel", channel).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(meters);
        // Registered at zero, so that the first dead letter shows as an increase, not as a new series.
        for (Outcome.Cause cause : Outcome.Cause.values()) {
            deadLetters.put(cause, deadLetterCounter(cause));
        }
        bytesIn = bytes("in");
        bytesOut = bytes("out");
        Gauge.builder("gradflow.records.in.flight", inFlight::getAsInt)
                .description("Records read and not yet committed").tag("channel", channel).register(meters);
        Gauge.builder("gradflow.partitions.assigned", assignedPartitions::getAsInt)
                .description("Partitions of the input topic this instance consumes").tag("channel", channel)
                .register(meters);
    }

    /** One committed transaction: its outcomes, the input and output value bytes, and how long it took. */
    public void committed(List<Outcome> outcomes, long inputBytes, long outputBytes, long nanos) {
        committed.increment();
        recordsPerTransaction.record(outcomes.size());
        commitTime.record(nanos, TimeUnit.NANOSECONDS);
        bytesIn.increment(inputBytes);
        bytesOut.increment(outputBytes);
        Map<String, Integer> byLabel = new HashMap<>();
        Map<String, Integer> byFailure = new HashMap<>();
        Map<Outcome.Cause, Integer> byCause = new EnumMap<>(Outcome.Cause.class);
        long answeredSamples = 0;
        for (Outcome outcome : outcomes) {
            byLabel.merge(outcome.label(), 1, Integer::sum);
            if (outcome instanceof Outcome.Answer answer) {
                answeredSamples += answer.samples();
                if (answer.isFailed()) {
                    byFailure.merge(answer.failureReason(), 1, Integer::sum);
                }
            } else if (outcome instanceof Outcome.DeadLetter deadLetter) {
                byCause.merge(deadLetter.cause(), 1, Integer::sum);
            }
        }
        samples.increment(answeredSamples);
        // One counter lookup per tag value and transaction, not per record.
        byLabel.forEach((label, count) -> processed.computeIfAbsent(label, this::processedCounter).increment(count));
        byFailure.forEach((reason, count) -> failures.computeIfAbsent(reason, this::failureCounter).increment(count));
        byCause.forEach((cause, count) -> deadLetters.computeIfAbsent(cause, this::deadLetterCounter).increment(count));
    }

    /** Registers the failure counters of these classes at zero, so that a first failure shows as an increase. */
    void expectFailures(Collection<String> reasons) {
        reasons.forEach(reason -> failures.computeIfAbsent(reason, this::failureCounter));
    }

    /** The latency of each committed answer, from the submission times its input records carry (the first {@code count}). */
    void answered(long[] submittedAtMillis, int count, long committedAtMillis) {
        for (int i = 0; i < count; i++) {
            // A producer's clock may run ahead of this one; such a batch did not arrive before it was sent.
            latency.record(Math.max(0, committedAtMillis - submittedAtMillis[i]), TimeUnit.MILLISECONDS);
        }
    }

    private Counter failureCounter(String reason) {
        return Counter.builder("gradflow.failures").description("Answers that report a failure, by class of failure")
                .tag("channel", channel).tag("reason", reason).register(meters);
    }

    private Counter deadLetterCounter(Outcome.Cause cause) {
        return Counter.builder("gradflow.dead.letters").description("Records dead-lettered, by class of reason")
                .tag("channel", channel).tag("reason", cause.tag()).register(meters);
    }

    private Counter processedCounter(String label) {
        return Counter.builder("gradflow.records.processed").description("Records consumed and handled")
                .tag("channel", channel).tag("outcome", label).register(meters);
    }

    /** One aborted transaction. */
    public void aborted() {
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
