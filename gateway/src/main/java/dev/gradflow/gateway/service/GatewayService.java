package dev.gradflow.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.check.GradientCheck;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.graph.JsonTree;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TraceRequest;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Registers networks and accepts batches: check with the core first, then publish. */
@ApplicationScoped
public class GatewayService {

    @Inject
    NetworkCatalog catalog;

    @Inject
    ResultStore results;

    @Inject
    Publisher publisher;

    @Inject
    ObjectMapper json;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry meters;

    private Limits limits;
    private DefinitionParser parser;

    @PostConstruct
    void start() {
        limits = new Limits(config.maxTensorElements(), config.maxNodes());
        parser = new DefinitionParser(limits);
    }

    /**
     * Checks a definition (a parsed JSON tree), publishes it under a new id as the caller's, and returns the id.
     *
     * @throws dev.gradflow.core.graph.DefinitionException naming the field, when the definition is invalid
     */
    public String register(Object definitionTree, Caller caller) throws IOException {
        CompiledGraph graph = compile(definitionTree);
        String networkId = UUID.randomUUID().toString();
        publisher.definition(networkId, json.writeValueAsBytes(definitionTree), caller.tenant());
        catalog.put(networkId, graph, definitionTree, caller.tenant());
        count("network-definitions");
        return networkId;
    }

    /** Compiles a definition tree; also used for definitions read from the topic. */
    public CompiledGraph compile(Object definitionTree) {
        return GraphCompiler.compile(parser.parse(definitionTree), limits);
    }

    /**
     * Checks a batch against its network, publishes it, and returns its batch id.
     *
     * @param batchId the id to use, or null for a new random one
     * @throws UnknownNetworkException when the network is not registered, or is not the caller's
     * @throws dev.gradflow.core.graph.DefinitionException naming the field, when the batch does not fit
     */
    public String submit(String networkId, Object batchTree, String batchId, Caller caller) {
        CompiledGraph graph = catalog.find(networkId, caller).orElseThrow(() -> new UnknownNetworkException(networkId));
        Map<String, Object> batch = object(batchTree);
        JsonTree.onlyKeys(batch, "", java.util.Set.of("inputs", "targets", "trace"));
        TraceRequest trace = TraceRequest.of(traceField(batch.remove("trace")));
        Map<String, Tensor> feeds = Feeds.parse(batch, graph, limits);
        batchId = batchId != null ? batchId : UUID.randomUUID().toString();
        results.pending(batchId, networkId);
        publisher.batch(batchId, new BatchRecord(batchId, networkId, feeds).traced(trace).encode(), caller.tenant());
        count("batches");
        return batchId;
    }

    /**
     * Runs the gradient check of {@link GradientCheck} on a batch, here in the gateway, synchronously: the
     * engine's gradients against float64 finite differences, at most {@code maxElementsPerTensor} elements of each
     * parameter and input. Nothing is published.
     *
     * @param requestTree {@code {"inputs": ..., "targets": ..., "maxElementsPerTensor": n}}
     * @throws UnknownNetworkException when the network is not registered, or is not the caller's
     * @throws dev.gradflow.core.graph.DefinitionException naming the field, when the batch does not fit
     */
    public GradientCheck.Report gradientCheck(String networkId, Object requestTree, Caller caller) {
        CompiledGraph graph = catalog.find(networkId, caller).orElseThrow(() -> new UnknownNetworkException(networkId));
        Map<String, Object> batch = object(requestTree);
        int maxElements = GradientCheck.Options.DEFAULT.maxElementsPerTensor();
        Object requested = batch.remove("maxElementsPerTensor");
        if (requested != null) {
            if (!(requested instanceof Integer number) || number < 1 || number > config.gradientCheckMaxElements()) {
                throw new DefinitionException("maxElementsPerTensor", "must be an integer between 1 and "
                        + config.gradientCheckMaxElements() + " (gradflow.gateway.gradient-check-max-elements), got "
                        + requested);
            }
            maxElements = number;
        }
        Map<String, Tensor> feeds = Feeds.parse(batch, graph, limits);
        GradientCheck.Options defaults = GradientCheck.Options.DEFAULT;
        return GradientCheck.run(graph, feeds, 0, new GradientCheck.Options(maxElements, defaults.step(),
                defaults.floor()));
    }

    private static Map<String, Object> object(Object tree) {
        if (!(tree instanceof Map<?, ?> request)) {
            throw new DefinitionException("$", "expected an object");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        request.forEach((key, value) -> copy.put(String.valueOf(key), value));
        return copy;
    }

    /** A batch's {@code "trace"}: absent (null), true or false. */
    private static Boolean traceField(Object value) {
        if (value != null && !(value instanceof Boolean)) {
            throw new DefinitionException("trace", "must be true or false, got " + JsonTree.describe(value));
        }
        return (Boolean) value;
    }

    private void count(String channel) {
        Counter.builder("gradflow.records.published").description("Records the gateway published")
                .tag("channel", channel).register(meters).increment();
    }
}
