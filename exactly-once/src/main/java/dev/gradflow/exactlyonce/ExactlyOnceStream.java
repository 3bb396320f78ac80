package dev.gradflow.exactlyonce;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic, processes each record exactly once, and writes the results, with the consumed offsets, in Kafka
 * transactions.
 *
 * <p>Two threads. The <em>loop</em> thread owns the consumer and the transactional producer: it polls, hands each
 * record to the <em>worker</em> thread, and as soon as results are ready commits all of them (up to
 * {@link StreamSettings#maxRecordsPerTransaction()}) in one transaction together with their offsets. The worker
 * runs the {@link RecordHandler} on one record after another, in poll order, so the next records are computed
 * while the last ones are being committed, and a partition's results are committed in its order. Under light load
 * a transaction holds one record and nothing waits for a batch to fill; under heavy load the results that pile up
 * during one commit form the next transaction, so the cost of a commit is shared by many records.
 *
 * <p>Why nothing is lost or duplicated: a result is committed only in the transaction that also commits its
 * offset, and downstream readers use {@code read_committed}. After an aborted transaction or a crash, consumption
 * resumes from the last committed offset. A result computed for a partition that has since been revoked, or
 * rewound, is never committed: each partition has an epoch that every revocation and rewind increments, every
 * record carries the epoch it was read in, and only results of the current epoch are committed. A zombie instance
 * (one the group has replaced) is fenced by the group generation sent with its offsets (KIP-447).
 *
 * <p>Recovery: when an instance id is given, the consumer is a static member ({@code group.instance.id}) and the
 * producer's {@code transactional.id} is stable, so an instance restarted with the same id gets its partitions back
 * without a rebalance and aborts its predecessor's open transaction at once. An instance that never comes back
 * loses its partitions after {@link StreamSettings#sessionTimeout()}, and its open transaction is aborted after
 * {@link StreamSettings#transactionTimeout()}.
 *
 * <p>Security: credentials the broker refuses stop the stream ({@link StreamHealth.State#FAILED}, with the reason,
 * never the secret). A transaction the broker refuses as unauthorised (an output topic without its ACL) is aborted
 * and its records read again, after a wait that grows to a few seconds, until the ACL exists
 * ({@link StreamHealth.State#BLOCKED} meanwhile): the records stay uncommitted on their topic, never lost.
 */
public final class ExactlyOnceStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceStream.class);
    /** How long the loop waits for a result while records are being processed, before it polls again. */
    private static final long RESULT_WAIT_MILLIS = 20;
    private static final Duration CLIENT_METRICS_REFRESH = Duration.ofSeconds(10);
    /** How long a graceful stop waits for records already being processed, so their work is not thrown away. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** One processed record: its outcome, or null when it was skipped or the handler was interrupted. */
    private record Result(ConsumerRecord<String, byte[]> input, int epoch, Outcome outcome) {
    }

    private final StreamSettings settings;
    private final Map<String, Object> clientProperties;
    private final String memberName;
    private final boolean staticMember;
    private final RecordHandler handler;
    private final StreamMetrics metrics;

    private final Map<TopicPartition, Integer> epochs = new ConcurrentHashMap<>();
    private final BlockingQueue<Result> finished = new LinkedBlockingQueue<>();
    /** Inputs whose output the producer refused as too large: the retry dead-letters them instead. */
    private final Map<String, String> oversizedOutputs = new ConcurrentHashMap<>();
    private final ExecutorService worker;
    private final Thread loop;

    private volatile boolean running = true;
    private volatile StreamHealth health = StreamHealth.starting();
    private volatile Instant lastLoop = Instant.now();
    private volatile int inFlight;
    private volatile int assigned;
    /** Transactions refused as unauthorised, in a row. */
    private final RefusedTransactions refusals;
    private KafkaConsumer<String, byte[]> consumer;
    private final MeterRegistry meters;
    /** The Kafka clients' own metrics (fetch lag, request latency, ...) in the service's registry. */
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;

    private ExactlyOnceStream(StreamSettings settings, Map<String, ?> clientProperties, Optional<String> instanceId,
            RecordHandler handler, MeterRegistry meters) {
        this.settings = settings;
        this.clientProperties = Map.copyOf(clientProperties);
        this.staticMember = instanceId.filter(id -> !id.isBlank()).isPresent();
        this.memberName = settings.groupId() + "-" + instanceId.filter(id -> !id.isBlank())
                .orElseGet(() -> UUID.randomUUID().toString());
        this.refusals = new RefusedTransactions(memberName, state -> health = state);
        this.handler = handler;
        this.meters = meters;
        this.metrics = new StreamMetrics(meters, settings.inputTopic(), () -> inFlight, () -> assigned);
        this.worker = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, memberName + "-worker"));
        this.loop = daemon(this::run, memberName + "-loop");
    }

    /**
     * Starts a stream and returns at once; the stream connects, joins its group and processes in the background.
     *
     * @param clientProperties Kafka client properties both clients share: {@code bootstrap.servers}, security
     * @param instanceId a stable id for this instance (a pod name, say), or empty for a random one; see the class
     *     comment on recovery
     */
    public static ExactlyOnceStream start(StreamSettings settings, Map<String, ?> clientProperties,
            Optional<String> instanceId, RecordHandler handler, MeterRegistry meters) {
        ExactlyOnceStream stream = new ExactlyOnceStream(settings, clientProperties, instanceId, handler, meters);
        stream.loop.start();
        return stream;
    }

    /** The stream's state, for health checks. */
    public StreamHealth health() {
        StreamHealth current = health;
        if (current.state() == StreamHealth.State.RUNNING
                && Duration.between(lastLoop, Instant.now()).compareTo(Duration.ofSeconds(30)) > 0) {
            return current.stalled("no poll for " + Duration.between(lastLoop, Instant.now()).toSeconds()
                    + " s (is the broker reachable?)");
        }
        return current;
    }

    /**
     * Declares the classes of failure the handler's answers may report, so that their counters exist at zero from the
     * start and an alert on their increase fires at the first failure.
     */
    public ExactlyOnceStream expectFailures(Collection<String> reasons) {
        metrics.expectFailures(reasons);
        return this;
    }

    /** The {@code transactional.id} and, for a static member, the {@code group.instance.id} of this instance. */
    public String memberName() {
        return memberName;
    }

    /**
     * Stops reading, lets the records being processed finish (for a few seconds at most) and commits them, then
     * leaves the group, so the partitions move to another instance at once.
     */
    @Override
    public void close() {
        running = false;
        try {
            loop.join(STOP_GRACE.plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }

    private void run() {
        KafkaProducer<String, byte[]> producer = null;
        try {
            consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
            consumerMetrics = clientMetrics(consumer);
            consumerMetrics.bindTo(meters);
            producer = newProducer();
            if (producer == null) {
                return;
            }
            consumer.subscribe(List.of(settings.inputTopic()), new EpochOnRevocation());
            health = StreamHealth.running(memberName, staticMember);
            LOG.info("{} → {} running as {} ({} member)", settings.inputTopic(), settings.outputTopic(), memberName,
                    staticMember ? "static" : "dynamic");
            long inFlightBytes = 0;
            List<Result> ready = new ArrayList<>();
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(inFlight == 0 ? settings.idlePoll()
                        : Duration.ZERO);
                lastLoop = Instant.now();
                for (ConsumerRecord<String, byte[]> record : records) {
                    int epoch = epochOf(partitionOf(record));
                    inFlight++;
                    inFlightBytes += sizeOf(record);
                    worker.execute(() -> process(record, epoch));
                }
                if (inFlight >= settings.maxInFlightRecords() || inFlightBytes >= settings.maxInFlightBytes()) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                Result first = inFlight > 0 ? finished.poll(RESULT_WAIT_MILLIS, TimeUnit.MILLISECONDS) : null;
                if (first == null) {
                    continue;
                }
                takeReady(first, ready);
                for (Result result : ready) {
                    inFlight--;
                    inFlightBytes -= sizeOf(result.input());
                }
                producer = commit(producer, committable(ready));
                ready.clear();
            }
            producer = finishInFlight(producer);
        } catch (AuthenticationException | AuthorizationException | FencedInstanceIdException
                | InvalidGroupIdException e) {
            // Nothing this instance can fix by retrying: say so in the health check and stop.
            health = StreamHealth.failed(memberName, StreamClients.failureDetail(e));
            LOG.error("{} stopped: {}", memberName, health.detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} stopped by an unexpected error", memberName, e);
            health = StreamHealth.failed(memberName, e.toString());
        } finally {
            closeClients(producer);
            if (health.state() != StreamHealth.State.FAILED) {
                health = StreamHealth.stopped(memberName);
            }
        }
    }

    /** On the worker thread: the handler's outcome for one record, unless its partition moved on since. */
    private void process(ConsumerRecord<String, byte[]> record, int epoch) {
        Outcome outcome = null;
        if (epochOf(partitionOf(record)) == epoch) {
            String oversized = oversizedOutputs.remove(coordinates(record));
            try {
                outcome = oversized != null ? new Outcome.DeadLetter(oversized, Outcome.Cause.TOO_LARGE)
                        : handler.handle(record);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // A bug, not bad input: retrying would fail the same way forever, so the record is dead-lettered
                // with the error and the stream goes on.
                LOG.error("dead-lettering {} after an unexpected error", coordinates(record), e);
                outcome = new Outcome.DeadLetter("unexpected error while processing the record: " + e,
                        Outcome.Cause.UNEXPECTED_ERROR);
            }
        }
        finished.add(new Result(record, epoch, outcome));
    }

    /** {@code first} and whatever else is ready, within the per-transaction limits. */
    private void takeReady(Result first, List<Result> ready) {
        ready.add(first);
        long bytes = outputSize(first);
        while (ready.size() < settings.maxRecordsPerTransaction()) {
            Result next = finished.peek();
            if (next == null || bytes + outputSize(next) > settings.maxBytesPerTransaction()) {
                return;
            }
            bytes += outputSize(next);
            ready.add(finished.poll());
        }
    }

    private static long outputSize(Result result) {
        return result.outcome() instanceof Outcome.Answer answer ? answer.value().length : sizeOf(result.input());
    }

    /**
     * The results that may be committed: those of the partition's current epoch. A current record without an
     * outcome (the handler was interrupted) restarts its partition from that record, so nothing after it in the
     * partition is committed before it.
     */
    private List<Result> committable(List<Result> ready) {
        List<Result> results = new ArrayList<>(ready.size());
        for (Result result : ready) {
            TopicPartition partition = partitionOf(result.input());
            if (result.epoch() != epochOf(partition)) {
                continue;
            }
            if (result.outcome() == null) {
                epochs.merge(partition, 1, Integer::sum);
                consumer.seek(partition, result.input().offset());
                continue;
            }
            results.add(result);
        }
        return results;
    }

    /** Commits the results and their offsets in one transaction; on failure aborts and rewinds. */
    private KafkaProducer<String, byte[]> commit(KafkaProducer<String, byte[]> producer, List<Result> results) {
        if (results.isEmpty()) {
            return producer;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long started = System.nanoTime();
        try {
            producer.beginTransaction();
            for (Result result : results) {
                noteIfOversized(result, producer.send(output(result)));
                offsets.put(partitionOf(result.input()), new OffsetAndMetadata(result.input().offset() + 1));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            long committedAt = System.currentTimeMillis();
            long inputBytes = 0;
            long outputBytes = 0;
            List<Outcome> outcomes = new ArrayList<>(results.size());
            long[] submittedAt = new long[results.size()];
            int answers = 0;
            for (Result result : results) {
                inputBytes += sizeOf(result.input());
                outputBytes += outputSize(result);
                outcomes.add(result.outcome());
                if (result.outcome() instanceof Outcome.Answer && result.input().timestamp() >= 0) {
                    submittedAt[answers++] = result.input().timestamp();
                }
            }
            metrics.committed(outcomes, inputBytes, outputBytes, System.nanoTime() - started);
            metrics.answered(submittedAt, answers, committedAt);
            refusals.committed(staticMember);
            return producer;
        } catch (KafkaException e) {
            metrics.aborted();
            AuthorizationException denied = RefusedTransactions.refusalBehind(e);
            if (denied == null) {
                LOG.warn("transaction of {} records aborted, they will be processed again: {}", results.size(),
                        e.toString());
            }
            KafkaProducer<String, byte[]> next = abortOrReplace(producer);
            rewind();
            if (denied != null) {
                refusals.refused(results.size(), denied, () -> running);
            }
            return next;
        }
    }

    private ProducerRecord<String, byte[]> output(Result result) {
        if (result.outcome() instanceof Outcome.Answer answer) {
            // The answer keeps its input's timestamp, as Kafka Streams does: a batch's submission time travels
            // through every stage, and the last one measures the end-to-end latency from it.
            long timestamp = result.input().timestamp();
            return new ProducerRecord<>(answer.topic() != null ? answer.topic() : settings.outputTopic(), null,
                    timestamp >= 0 ? timestamp : null, answer.key(), answer.value());
        }
        Outcome.DeadLetter deadLetter = (Outcome.DeadLetter) result.outcome();
        return DeadLetters.of(settings.deadLetterTopic(), result.input(), deadLetter.reason());
    }

    /**
     * A record the producer refuses as too large would abort every retry the same way; remember it so that the
     * retry dead-letters the input with the reason instead. The producer refuses such a record in {@code send}
     * itself, with a future that has already failed; the other records of the transaction fail only later, with the
     * transaction, and are not to blame.
     */
    private void noteIfOversized(Result result, Future<RecordMetadata> send) {
        if (!send.isDone()) {
            return;
        }
        try {
            send.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordTooLargeException tooLarge) {
                oversizedOutputs.put(coordinates(result.input()), "its output for " + settings.outputTopic() + " ("
                        + outputSize(result) + " bytes) was refused as too large: " + tooLarge.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private KafkaProducer<String, byte[]> abortOrReplace(KafkaProducer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
            return producer;
        } catch (KafkaException e) {
            // Fenced, or in a state it cannot leave: a new producer with the same transactional id takes over.
            LOG.warn("replacing the transactional producer: {}", e.toString());
            producer.close(Duration.ZERO);
            return newProducer();
        }
    }

    /** Every assigned partition back to its last committed offset; everything read since is processed again. */
    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        assigned.forEach(partition -> epochs.merge(partition, 1, Integer::sum));
        Map<TopicPartition, OffsetAndMetadata> committed = retrying("reading committed offsets",
                () -> consumer.committed(assigned));
        if (committed == null) {
            return;
        }
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
    }

    /** A graceful stop: lets the worker finish what it has for a few seconds and commits it. */
    private KafkaProducer<String, byte[]> finishInFlight(KafkaProducer<String, byte[]> producer)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(STOP_GRACE);
        List<Result> ready = new ArrayList<>();
        while (inFlight > 0 && Instant.now().isBefore(deadline)) {
            Result result = finished.poll(RESULT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (result != null) {
                ready.add(result);
                inFlight--;
            }
        }
        worker.shutdownNow();
        return commit(producer, committable(ready));
    }

    private KafkaProducer<String, byte[]> newProducer() {
        return retrying("starting the transactional producer", () -> {
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(),
                    new ByteArraySerializer());
            try {
                // Aborts whatever a previous instance with the same transactional id left open, and fences it.
                producer.initTransactions();
                bindProducerMetrics(producer);
                return producer;
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
        });
    }

    /** Replaces the meters of a replaced producer, which would otherwise report a closed client forever. */
    private void bindProducerMetrics(KafkaProducer<String, byte[]> producer) {
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        producerMetrics = clientMetrics(producer);
        producerMetrics.bindTo(meters);
    }

    /**
     * The binder looks for new client metrics every 10 s instead of every minute: a partition's lag
     * ({@code kafka_consumer_fetch_manager_records_lag}) exists only from its assignment on, and the dashboards and
     * alerts should see a partition soon after a rebalance moves it here.
     */
    private KafkaClientMetrics clientMetrics(KafkaConsumer<?, ?> client) {
        return new KafkaClientMetrics(client, List.of(), metricsRefresher(), CLIENT_METRICS_REFRESH);
    }

    private KafkaClientMetrics clientMetrics(KafkaProducer<?, ?> client) {
        return new KafkaClientMetrics(client, List.of(), metricsRefresher(), CLIENT_METRICS_REFRESH);
    }

    /** One per binder: a binder shuts its scheduler down when it closes. */
    private ScheduledExecutorService metricsRefresher() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, memberName + "-client-metrics"));
    }

    /** Retries a Kafka call that fails while the broker is unreachable; null when the stream stops first. */
    private <T> T retrying(String what, Supplier<T> call) {
        return StreamClients.retrying(what, call, () -> running);
    }

    private Map<String, Object> consumerProperties() {
        return StreamClients.consumer(clientProperties, settings.groupId(), memberName, staticMember,
                settings.sessionTimeout(), settings.heartbeatInterval(), settings.maxRecordsPerTransaction(),
                settings.consumer());
    }

    private Map<String, Object> producerProperties() {
        return StreamClients.producer(clientProperties, memberName, settings.transactionTimeout(),
                settings.producer());
    }

    private void closeClients(KafkaProducer<String, byte[]> producer) {
        StreamClients.close(producer, consumer, producerMetrics, consumerMetrics);
    }

    private int epochOf(TopicPartition partition) {
        return epochs.getOrDefault(partition, 0);
    }

    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    private static long sizeOf(ConsumerRecord<String, byte[]> record) {
        return record.value() == null ? 0 : record.value().length;
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Results of a revoked or lost partition are never committed: its epoch moves on. */
    private final class EpochOnRevocation implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> epochs.merge(partition, 1, Integer::sum));
            assigned = consumer.assignment().size() - partitions.size();
        }

        @Override
        public void onPartitionsLost(java.util.Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            assigned = consumer.assignment().size();
            LOG.info("{} assigned {}", memberName, consumer.assignment());
        }
    }
}
