package dev.gradflow.forward.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.forward.config.ForwardConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Registers definitions and turns batches into tapes.
 *
 * <p>Delivery is at least once: a batch's Kafka message is acknowledged (so its offset can be committed) only
 * when its tape record has been acknowledged by the broker. A batch parked until its definition arrives stays
 * unacknowledged meanwhile, so a crash cannot lose it.
 */
@ApplicationScoped
public class ForwardService {
    private static final Logger LOG = Logger.getLogger(ForwardService.class);

    /** A parked batch: its decoded record and the Kafka message still to acknowledge. */
    record PendingBatch(BatchRecord batch, Message<byte[]> message) {
    }

    @Inject
    @Channel("tapes")
    Emitter<byte[]> tapes;

    @Inject
    ObjectMapper json;

    @Inject
    ForwardConfig config;

    @Inject
    MeterRegistry meters;

    private NetworkRegistry<PendingBatch> networks;
    private DefinitionParser parser;
    private Limits limits;
    private Timer forwardTime;
    private ScheduledExecutorService expiry;

    @PostConstruct
    void start() {
        limits = new Limits(config.maxTensorElements(), config.maxNodes());
        parser = new DefinitionParser(limits);
        networks = new NetworkRegistry<>(config.maxPendingBatches(), Clock.systemUTC());
        forwardTime = Timer.builder("gradflow.processing.time").description("Time to run one batch's forward pass")
                .tag("stage", "forward").publishPercentileHistogram().register(meters);
        meters.gauge("gradflow.forward.pending.batches", networks, NetworkRegistry::parkedCount);
        expiry = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "pending-batch-expiry"));
        long period = Math.max(1, Math.min(10, config.pendingTimeout().toSeconds() / 2));
        expiry.scheduleAtFixedRate(this::expirePending, period, period, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        expiry.shutdownNow();
    }

    /**
     * Parses, checks and compiles a definition, then runs the batches that were waiting for it.
     *
     * @param definitionJson the record value, or null for a tombstone, which forgets the network
     * @throws IllegalArgumentException when the definition is not valid JSON or not a valid network
     */
    public void onDefinition(String networkId, byte[] definitionJson) {
        if (networkId == null || networkId.isBlank()) {
            throw new IllegalArgumentException("the record has no key; the key must be the network id");
        }
        if (definitionJson == null) {
            networks.remove(networkId);
            LOG.infof("network %s removed", networkId);
            return;
        }
        CompiledGraph graph;
        try {
            graph = GraphCompiler.compile(parser.parse(json.readValue(definitionJson, Object.class)), limits);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("network " + networkId + ": not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<PendingBatch> released = networks.register(networkId, graph);
        LOG.infof("network %s registered (%d nodes); %d waiting batches released", networkId, graph.nodes().size(),
                released.size());
        for (PendingBatch pending : released) {
            publish(run(pending.batch(), graph), pending.message());
        }
    }

    /**
     * Runs a batch if its network is known, parks it otherwise.
     *
     * @throws dev.gradflow.core.wire.WireFormatException when the record is not a batch record
     */
    public void onBatch(Message<byte[]> message) {
        BatchRecord batch = BatchRecord.decode(message.getPayload());
        Optional<CompiledGraph> graph;
        try {
            graph = networks.findOrPark(batch.networkId(), new PendingBatch(batch, message));
        } catch (IllegalStateException full) {
            publish(TapeRecord.failed(batch.batchId(), batch.networkId(), "network " + batch.networkId()
                    + " is not registered, and " + full.getMessage()), message);
            return;
        }
        if (graph.isEmpty()) {
            LOG.debugf("batch %s waits for network %s", batch.batchId(), batch.networkId());
            count("parked");
            return;
        }
        publish(run(batch, graph.get()), message);
    }

    private TapeRecord run(BatchRecord batch, CompiledGraph graph) {
        return forwardTime.record(() -> BatchRunner.run(batch, graph));
    }

    private void expirePending() {
        try {
            for (var expired : networks.expire(config.pendingTimeout())) {
                BatchRecord batch = expired.batch().batch();
                publish(TapeRecord.failed(batch.batchId(), batch.networkId(), "network " + batch.networkId()
                        + " was not registered within " + config.pendingTimeout()
                        + " (gradflow.forward.pending-timeout)"), expired.batch().message());
            }
        } catch (RuntimeException e) {
            LOG.error("expiring pending batches failed", e);
        }
    }

    /** Sends the tape keyed by network id; the source batch is acknowledged once the broker has the tape. */
    private void publish(TapeRecord tape, Message<byte[]> source) {
        count(tape.isFailed() ? "failed" : "ok");
        if (tape.isFailed()) {
            LOG.infof("batch %s of network %s failed: %s", tape.batchId(), tape.networkId(), tape.failure());
        }
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(tape.networkId()).build();
        Supplier<CompletionStage<Void>> ack = source::ack;
        Function<Throwable, CompletionStage<Void>> nack = source::nack;
        tapes.send(Message.of(tape.encode(), Metadata.of(key), ack, nack));
    }

    private void count(String outcome) {
        Counter.builder("gradflow.records.processed").description("Records consumed and handled")
                .tag("channel", "batches").tag("outcome", outcome).register(meters).increment();
    }
}
