package dev.gradflow.benchmarks.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.benchmarks.NetworkCase;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One row of the pipeline benchmark: a network, the batch sent again and again, and the way in.
 *
 * <p>Labels: {@code neuron-rest} and {@code neuron} are {@code examples/single-neuron.network.json} with its batch,
 * through the gateway's REST API or straight onto the topic; {@code 784-256-128-10/256/float32} is a
 * {@link NetworkCase} (Dense layers, ReLU, softmax cross-entropy on class ids) with its batch size and dtype, sent
 * onto the topic.
 *
 * @param label as given on the command line
 * @param title what the table calls it
 * @param rest whether batches go through {@code POST /networks/{id}/batches} rather than onto {@code batches}
 * @param definitionJson the definition, exactly what {@code POST /networks} and {@code network-definitions} take
 * @param batchJson the batch as {@code POST /networks/{id}/batches} takes it; null for topic cases
 * @param graph the definition compiled in this process, for the engine's figure
 * @param feeds the batch's tensors
 * @param samples rows in the batch
 */
record PipelineCase(String label, String title, boolean rest, byte[] definitionJson, byte[] batchJson,
        CompiledGraph graph, Map<String, Tensor> feeds, int samples) {
    static final List<String> DEFAULT_LABELS = List.of("neuron-rest", "neuron", "2-64-3/300/float64",
            "784-256-128-10/256/float32", "784-256-128-10/256/float64");
    private static final ObjectMapper JSON = new ObjectMapper();

    static PipelineCase parse(String label, Path examples) {
        try {
            if (label.equals("neuron") || label.equals("neuron-rest")) {
                boolean rest = label.equals("neuron-rest");
                byte[] definition = Files.readAllBytes(examples.resolve("single-neuron.network.json"));
                byte[] batch = Files.readAllBytes(examples.resolve("single-neuron.batch.json"));
                CompiledGraph graph = compile(JSON.readValue(definition, Object.class));
                Map<String, Tensor> feeds = Feeds.parse(JSON.readValue(batch, Object.class), graph, Limits.DEFAULT);
                return new PipelineCase(label, "single neuron" + (rest ? " (REST)" : ""), rest, definition,
                        rest ? batch : null, graph, feeds, 1);
            }
            int lastSlash = label.lastIndexOf('/');
            if (lastSlash < 0) {
                throw new IllegalArgumentException("unknown case " + label + "; expected neuron-rest, neuron or "
                        + "widths/batch/dtype such as 784-256-128-10/256/float32");
            }
            NetworkCase network = NetworkCase.parse(label.substring(0, lastSlash));
            DType dtype = DType.fromLabel(label.substring(lastSlash + 1));
            Map<String, Object> definition = network.definition(dtype);
            return new PipelineCase(label, network.label().replace("/", " × ") + " " + dtype.label(), false,
                    JSON.writeValueAsBytes(definition), null, compile(definition), network.feeds(dtype, 42),
                    network.batch());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CompiledGraph compile(Object definitionTree) {
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(definitionTree), Limits.DEFAULT);
    }

    DType dtype() {
        return graph.dtype();
    }
}
