package dev.gradflow.core.job;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.data.LegacyRandom;
import dev.gradflow.core.data.NnfsDatasets;
import dev.gradflow.core.data.NnfsInitializer;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.DefinitionTrees;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.JsonTree;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.graph.NetworkDefinition;
import dev.gradflow.core.job.JobDefinition.GeneratedDataset;
import dev.gradflow.core.job.JobDefinition.InlineDataset;
import dev.gradflow.core.job.JobDefinition.InlineNetwork;
import dev.gradflow.core.job.JobDefinition.RegisteredNetwork;
import dev.gradflow.core.job.JobDefinition.UploadedDataset;
import dev.gradflow.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a job needs before its first batch, from its request: the network compiled with its initial
 * parameters, the rows in the network's dtype, and the request rewritten so that it stands on its own (the network
 * inline with those parameters). The gateway runs it to answer 400 before anything is published; the job-service
 * runs it again on what it reads from topic {@code jobs}, which any producer may write. It is deterministic: both get
 * the same network and rows from the same request.
 */
public final class JobSetup {
    private JobSetup() {
    }

    /** Where a request's references point. */
    public interface Sources {
        /** No registered networks and no uploaded datasets: for a job whose network and rows are in the request. */
        Sources NONE = of(Map.of(), Map.of());

        /** A registered network's definition (parsed JSON), by id. */
        Optional<Map<String, Object>> network(String id);

        /** An uploaded dataset's rows, by id. */
        Optional<LabelledData> dataset(String id);

        /** Sources holding exactly these networks and datasets. */
        static Sources of(Map<String, Map<String, Object>> networks, Map<String, LabelledData> datasets) {
            return new Sources() {
                @Override
                public Optional<Map<String, Object>> network(String id) {
                    return Optional.ofNullable(networks.get(id));
                }

                @Override
                public Optional<LabelledData> dataset(String id) {
                    return Optional.ofNullable(datasets.get(id));
                }
            };
        }
    }

    /**
     * A job ready to run.
     *
     * @param definition the checked request
     * @param request the request with {@code network} replaced by the inline definition holding the initial
     *     parameters, and without {@code init} (whose draw those parameters are): what the gateway publishes
     * @param networkDefinition what the request's network definition says, parsed
     * @param network compiled, holding the initial parameters
     * @param rows the dataset in the network's dtype
     */
    public record Resolved(JobDefinition definition, Map<String, Object> request, NetworkDefinition networkDefinition,
            CompiledGraph network, LabelledData rows) {

        /** The network as a definition holding {@code parameters}: a trained network, ready for POST /networks. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> networkWith(Map<String, Tensor> parameters) {
            return DefinitionTrees.withParameters((Map<String, Object>) request.get("network"), networkDefinition,
                    parameters);
        }
    }

    /**
     * @param requestTree the request as parsed JSON
     * @throws DefinitionException naming the request's field that is wrong, unknown or does not fit
     */
    public static Resolved resolve(Object requestTree, Sources sources, Limits limits) {
        JobDefinition job = JobDefinitionParser.parse(requestTree);
        Map<String, Object> networkTree;
        if (job.network() instanceof InlineNetwork inline) {
            networkTree = inline.definition();
        } else {
            String id = ((RegisteredNetwork) job.network()).id();
            networkTree = sources.network(id).orElseThrow(() ->
                    new DefinitionException("network", "no network with id \"" + id + "\" is registered"));
        }
        NetworkDefinition definition;
        CompiledGraph network;
        try {
            definition = new DefinitionParser(limits).parse(networkTree);
            network = GraphCompiler.compile(definition, limits);
        } catch (DefinitionException e) {
            throw new DefinitionException(e.field().isEmpty() ? "network" : "network." + e.field(), e.problem());
        }
        JobFit.checkNetwork(job, network);
        LegacyRandom random = null;
        LabelledData data;
        if (job.dataset() instanceof InlineDataset inline) {
            data = JobDatasets.inline(inline, network, limits);
        } else if (job.dataset() instanceof UploadedDataset uploaded) {
            data = sources.dataset(uploaded.id()).orElseThrow(() -> new DefinitionException("dataset.id",
                    "no dataset with id \"" + uploaded.id() + "\" was uploaded"));
        } else {
            JobDatasets.Generated drawn = JobDatasets.generate((GeneratedDataset) job.dataset());
            random = drawn.random();
            data = drawn.data();
        }
        if (job.nnfsInit()) {
            CompiledGraph compiled = network;
            if (!(definition instanceof LayerDefinition layers)) {
                throw new DefinitionException("init", "\"nnfs\" initialises the dense layers of a layer-list network"
                        + " (\"kind\": \"layers\"); this network is a graph");
            }
            // The book's scripts draw their data first and then construct the layers, all from nnfs.init()'s
            // generator; without generated data the weights are the first draws of a generator seeded as it seeds.
            LegacyRandom weights = random != null ? random : new LegacyRandom(NnfsDatasets.NNFS_SEED);
            Map<String, Tensor> initial = new LinkedHashMap<>();
            NnfsInitializer.parameters(layers, weights).forEach((name, value) ->
                    initial.put(name, value.cast(compiled.dtype())));
            network = compiled.withParameters(initial);
        }
        LabelledData rows = JobFit.fit(job, network, data);
        Map<String, Object> request = new LinkedHashMap<>(JsonTree.object(requestTree, ""));
        request.remove("init");
        request.put("network", DefinitionTrees.withParameters(networkTree, definition, network.parameters()));
        return new Resolved(job, request, definition, network, rows);
    }
}
