package dev.gradflow.forward.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.core.wire.WireFormatException;
import dev.gradflow.exactlyonce.Outcome;
import dev.gradflow.forward.config.ForwardConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Registers definitions and turns batch records into tape records (or dead letters). */
@ApplicationScoped
public class ForwardService {
    private static final Logger LOG = Logger.getLogger(ForwardService.class);

    @Inject
    ObjectMapper json;

    @Inject
    ForwardConfig config;

    @Inject
    MeterRegistry meters;

    private final NetworkRegistry networks = new NetworkRegistry();
    private DefinitionParser parser;
    private Limits limits;
    private Timer forwardTime;

    @PostConstruct
    void start() {
        limits = new Limits(config.maxTensorElements(), config.maxNodes());
        parser = new DefinitionParser(limits);
        forwardTime = Timer.builder("gradflow.processing.time").description("Time to run one batch's forward pass")
                .tag("stage", "forward").publishPercentileHistogram().register(meters);
    }

    /**
     * Parses, checks and compiles a definition, and registers it, which releases the batches waiting for it.
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
        boolean traces;
        try {
            Object tree = json.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(definitionJson);
            graph = GraphCompiler.compile(parser.parse(tree), limits);
            traces = DefinitionParser.traces(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("network " + networkId + ": not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        networks.register(networkId, graph, traces);
        LOG.debugf("network %s registered (%d nodes)", networkId, graph.nodes().size());
    }

    /**
     * What a batch record becomes: its tape, keyed by batch id, so that one network's tapes spread over the
     * partitions of {@code tapes} and every gradient-service instance. Bytes that are not a batch record become a
     * dead letter; a batch whose network does not arrive within {@code gradflow.forward.pending-timeout}, that
     * exceeds the limits, or that does not fit its network becomes a failed tape naming the reason, so its
     * submitter gets an answer.
     */
    public Outcome process(byte[] value) throws InterruptedException {
        BatchRecord batch;
        try {
            batch = BatchRecord.decode(value);
        } catch (WireFormatException e) {
            LOG.warnf("dead-lettering an unreadable batch record: %s", e.getMessage());
            return Outcome.DeadLetter.malformed(e.getMessage());
        }
        BatchRunner.Taped taped = tapeOf(batch);
        TapeRecord tape = taped.tape();
        byte[] bytes = taped.encode(config.recomputeMaxWorkPerByte());
        if (taped.failure() == null) {
            return Outcome.Answer.ok(tape.batchId(), bytes, batch.samples());
        }
        LOG.infof("batch %s of network %s failed: %s", tape.batchId(), tape.networkId(), tape.failure());
        return Outcome.Answer.failed(tape.batchId(), bytes, batch.samples(), taped.failure().tag());
    }

    private BatchRunner.Taped tapeOf(BatchRecord batch) throws InterruptedException {
        for (var tensor : batch.tensors().entrySet()) {
            Tensor value = tensor.getValue();
            if (value.size() > limits.maxTensorElements()) {
                return BatchRunner.Taped.failed(batch, FailureReason.LIMIT, "inputs." + tensor.getKey() + ": has "
                        + value.size() + " elements, more than the limit " + limits.maxTensorElements()
                        + " (gradflow.forward.max-tensor-elements)");
            }
        }
        for (var parameter : batch.parameters().entrySet()) {
            if (parameter.getValue().size() > limits.maxTensorElements()) {
                return BatchRunner.Taped.failed(batch, FailureReason.LIMIT, "parameters." + parameter.getKey()
                        + ": has " + parameter.getValue().size() + " elements, more than the limit "
                        + limits.maxTensorElements() + " (gradflow.forward.max-tensor-elements)");
            }
        }
        Optional<CompiledGraph> graph = networks.await(batch.networkId(), config.pendingTimeout());
        if (graph.isEmpty()) {
            return BatchRunner.Taped.failed(batch, FailureReason.NETWORK_NOT_REGISTERED, "network " + batch.networkId()
                    + " is not registered (waited " + config.pendingTimeout() + ", gradflow.forward.pending-timeout)");
        }
        boolean definitionTraces = networks.traces(batch.networkId());
        return forwardTime.record(() -> BatchRunner.run(batch, graph.get(), definitionTraces));
    }
}
