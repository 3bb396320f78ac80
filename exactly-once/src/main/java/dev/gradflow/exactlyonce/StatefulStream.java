package dev.gradflow.exactlyonce;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic and commits, per poll, everything a {@link StatefulHandler} produced together with the offsets, in
 * one Kafka transaction, with the handler's state restored from a state topic whenever this instance takes over a
 * partition or a transaction fails: the pattern of a Kafka Streams task with a changelog, on the plain clients. The
 * job-service runs its jobs on it.
 *
 * <p>Why every change of state happens exactly once (a job's steps, say): the state changes only in memory while
 * records are handled, and reaches Kafka only in the transaction that also commits the offsets of the records that
 * changed it and whatever else they caused. After a crash, a rebalance or an aborted transaction, the new owner of a
 * partition reads the state partition of the same number ({@code read_committed}, to its end) and resumes from the
 * committed offsets, so it sees exactly the state those offsets belong to. A zombie is fenced by its transactional
 * id (a restart with the same instance id) or by the group generation sent with the offsets (KIP-447). A handler
 * writes a key's state once per transaction ({@link StatefulHandler#changedState}), however many records changed it.
 *
 * <p>One thread does everything, in poll order: unlike {@link ExactlyOnceStream}, nothing is computed while a
 * transaction commits, which suits handlers whose work per record is small next to a commit.
 */
public final class StatefulStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatefulStream.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);

    private final StatefulSettings config;
    private final Map<String, Object> clientProperties;
    private final String memberName;
    private final boolean staticMember;
    private final StatefulHandler handler;
    private final StreamMetrics metrics;
    private final MeterRegistry meters;
    private final Thread loop;
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;

    private volatile boolean running = true;
    private volatile StreamHealth health = StreamHealth.starting();
    private volatile Instant lastLoop = Instant.now();
    private volatile int assigned;
    /** Transactions refused as unauthorised, in a row. */
    private final RefusedTransactions refusals;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;

    /** What a handled record counts as in {@code gradflow_records_processed_total}: handled, nothing to answer. */
    private static final Outcome HANDLED = Outcome.Answer.ok(null, new byte[0], 0);

    private StatefulStream(StatefulSettings config, Map<String, ?> clientProperties, Optional<String> instanceId,
            StatefulHandler handler, MeterRegistry meters) {
        this.config = config;
        this.clientProperties = Map.copyOf(clientProperties);
        this.staticMember = instanceId.filter(id -> !id.isBlank()).isPresent();
        this.memberName = config.groupId() + "-" + instanceId.filter(id -> !id.isBlank())
                .orElseGet(() -> UUID.randomUUID().toString());
        this.refusals = new RefusedTransactions(memberName, state -> health = state);
        this.handler = handler;
        this.meters = meters;
        this.metrics = new StreamMetrics(meters, config.inputTopic(), () -> 0, () -> assigned);
        this.loop = new Thread(this::run, memberName + "-loop");
        this.loop.setDaemon(true);
    }

    /** Starts the stream in the background. */
    public static StatefulStream start(StatefulSettings config, Map<String, ?> clientProperties,
            Optional<String> instanceId, StatefulHandler handler, MeterRegistry meters) {
        StatefulStream stream = new StatefulStream(config, clientProperties, instanceId, handler, meters);
        stream.loop.start();
        return stream;
    }

    public StreamHealth health() {
        StreamHealth current = health;
        if (current.state() == StreamHealth.State.RUNNING
                && Duration.between(lastLoop, Instant.now()).compareTo(Duration.ofSeconds(30)) > 0) {
            return current.stalled("no poll for " + Duration.between(lastLoop, Instant.now()).toSeconds()
                    + " s (is the broker reachable?)");
        }
        return current;
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
            // The clients' own metrics: the consumer's lag on jobs is what the lag alert and the autoscaler watch.
            consumerMetrics = new KafkaClientMetrics(consumer);
            consumerMetrics.bindTo(meters);
            producer = newProducer();
            if (producer == null) {
                return;
            }
            checkPartitions();
            consumer.subscribe(List.of(config.inputTopic()), new RestoreOnAssignment());
            health = StreamHealth.running(memberName, staticMember);
            LOG.info("{} running as {} ({} member), its state in {}", config.inputTopic(), memberName,
                    staticMember ? "static" : "dynamic", config.stateTopic());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                lastLoop = Instant.now();
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (AuthenticationException | AuthorizationException | FencedInstanceIdException e) {
            health = StreamHealth.failed(memberName, StreamClients.failureDetail(e));
            LOG.error("{} stopped: {}", memberName, health.detail());
        } catch (RuntimeException e) {
            LOG.error("{} stopped by an unexpected error", memberName, e);
            health = StreamHealth.failed(memberName, e.toString());
        } finally {
            closeClients();
            if (health.state() != StreamHealth.State.FAILED) {
                health = StreamHealth.stopped(memberName);
            }
        }
    }

    /** Handles one poll's records and commits their outputs and offsets together; on failure, restores and rewinds. */
    private void process(ConsumerRecords<String, byte[]> records) {
        long started = System.nanoTime();
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long inputBytes = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            inputBytes += record.value() == null ? 0 : record.value().length;
            try {
                outputs.addAll(handler.handle(record));
                outcomes.add(HANDLED);
            } catch (StatefulHandler.RejectedRecordException e) {
                LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
                outputs.add(DeadLetters.of(config.deadLetterTopic(), record, e.getMessage()));
                outcomes.add(Outcome.DeadLetter.malformed(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("dead-lettering {}-{}@{} after an unexpected error", record.topic(), record.partition(),
                        record.offset(), e);
                String reason = "unexpected error while processing the record: " + e;
                outputs.add(DeadLetters.of(config.deadLetterTopic(), record, reason));
                outcomes.add(new Outcome.DeadLetter(reason, Outcome.Cause.UNEXPECTED_ERROR));
            }
            offsets.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        outputs.addAll(handler.changedState());
        try {
            producer.beginTransaction();
            long outputBytes = 0;
            for (ProducerRecord<String, byte[]> output : outputs) {
                outputBytes += output.value() == null ? 0 : output.value().length;
                producer.send(output);
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            metrics.committed(outcomes, inputBytes, outputBytes, System.nanoTime() - started);
            refusals.committed(staticMember);
        } catch (KafkaException e) {
            metrics.aborted();
            AuthorizationException denied = RefusedTransactions.refusalBehind(e);
            if (denied == null) {
                LOG.warn("transaction of {} records aborted, they will be handled again: {}", records.count(),
                        e.toString());
            }
            abortOrReplace();
            restoreAndRewind(consumer.assignment());
            if (denied != null) {
                refusals.refused(records.count(), denied, () -> running);
            }
        }
    }

    private void abortOrReplace() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            LOG.warn("replacing the transactional producer: {}", e.toString());
            producer.close(Duration.ZERO);
            producer = newProducer();
        }
    }

    /** The partitions' state from the state topic, and their consumption back at the committed offsets. */
    private void restoreAndRewind(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        restore(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = retrying("reading committed offsets",
                () -> consumer.committed(new HashSet<>(partitions)));
        if (committed == null) {
            return;
        }
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
    }

    /**
     * Reads each partition's state partition to its end, committed records only. An open transaction of a crashed
     * instance holds the end back until it is aborted (at once by a restart with the same instance id, else after
     * the transaction timeout), so the state read is always a committed one.
     */
    private void restore(Collection<TopicPartition> partitions) {
        Map<String, Object> properties = new HashMap<>(StreamClients.known(clientProperties,
                ConsumerConfig.configNames()));
        properties.put("client.id", memberName + "-restore");
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        properties.put("max.partition.fetch.bytes", StreamClients.MAX_RECORD_BYTES);
        properties.put("fetch.max.bytes", StreamClients.MAX_RECORD_BYTES);
        properties.remove("group.id");
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            for (TopicPartition input : partitions) {
                TopicPartition state = new TopicPartition(config.stateTopic(), input.partition());
                reader.assign(List.of(state));
                reader.seekToBeginning(List.of(state));
                long end = reader.endOffsets(List.of(state), RESTORE_TIMEOUT).get(state);
                Map<String, byte[]> latest = new HashMap<>();
                Instant deadline = Instant.now().plus(RESTORE_TIMEOUT);
                while (reader.position(state) < end) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new KafkaException("restoring " + state + " took longer than " + RESTORE_TIMEOUT);
                    }
                    for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
                        if (record.value() == null) {
                            latest.remove(record.key());
                        } else {
                            latest.put(record.key(), record.value());
                        }
                    }
                }
                handler.restore(input.partition(), latest);
                LOG.info("{} restored {} state records of {}", memberName, latest.size(), state);
            }
        }
    }

    /**
     * The state topic must have a partition for every partition of the input topic: partition p of one holds the
     * state of partition p of the other. Where the state topic and the other topics to create do not exist yet (a
     * broker that creates topics on first use, as the bundled one does), they are created compacted, since only each
     * key's latest record matters, with as many partitions as the input topic.
     */
    private void checkPartitions() {
        List<PartitionInfo> commands = retrying("reading the partitions of " + config.inputTopic(),
                () -> consumer.partitionsFor(config.inputTopic()));
        if (commands == null) {
            return;
        }
        try (Admin admin = Admin.create(StreamClients.known(clientProperties, AdminClientConfig.configNames()))) {
            Set<String> existing = admin.listTopics().names().get(RESTORE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> compacted = new ArrayList<>(List.of(config.stateTopic()));
            compacted.addAll(config.createdTopics());
            for (String topic : compacted) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.of(commands.size()), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact", "max.message.bytes",
                            StreamClients.MAX_RECORD_BYTES)));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(RESTORE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                LOG.info("created {}", missing.stream().map(NewTopic::name).toList());
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("could not create {}: {}", config.stateTopic() + " and " + config.createdTopics(), e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warn("could not create {}: {}", config.stateTopic() + " and " + config.createdTopics(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<PartitionInfo> state = retrying("reading the partitions of " + config.stateTopic(),
                () -> consumer.partitionsFor(config.stateTopic()));
        if (state != null && state.size() < commands.size()) {
            throw new IllegalStateException(config.stateTopic() + " has " + state.size() + " partitions, fewer than the "
                    + commands.size() + " of " + config.inputTopic() + "; give it at least as many");
        }
    }

    private KafkaProducer<String, byte[]> newProducer() {
        return retrying("starting the transactional producer", () -> {
            KafkaProducer<String, byte[]> created = new KafkaProducer<>(producerProperties(), new StringSerializer(),
                    new ByteArraySerializer());
            try {
                created.initTransactions();
                if (producerMetrics != null) {
                    producerMetrics.close();
                }
                producerMetrics = new KafkaClientMetrics(created);
                producerMetrics.bindTo(meters);
                return created;
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw e;
            }
        });
    }

    private <T> T retrying(String what, Supplier<T> call) {
        return StreamClients.retrying(what, call, () -> running);
    }

    private Map<String, Object> consumerProperties() {
        return StreamClients.consumer(clientProperties, config.groupId(), memberName, staticMember,
                config.sessionTimeout(), config.heartbeatInterval(), config.maxRecordsPerTransaction(),
                config.consumer());
    }

    private Map<String, Object> producerProperties() {
        return StreamClients.producer(clientProperties, memberName, config.transactionTimeout(), config.producer());
    }

    private void closeClients() {
        StreamClients.close(producer, consumer, producerMetrics, consumerMetrics);
    }

    /** A partition's state comes from its state partition before its first record is handled here. */
    private final class RestoreOnAssignment implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> handler.drop(partition.partition()));
            assigned = consumer.assignment().size() - partitions.size();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("{} assigned {}", memberName, consumer.assignment());
            assigned = consumer.assignment().size();
            restore(partitions);
        }
    }
}
