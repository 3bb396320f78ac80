package dev.gradflow.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.data.LegacyRandom;
import dev.gradflow.core.data.NnfsDatasets;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobDefinition.GeneratedDataset;
import dev.gradflow.core.job.JobDefinition.InlineDataset;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The second stage of {@code POST /jobs}: a parsed job against a real compiled network and materialised rows. The
 * networks are the book's chapter-10 2-64-3 spiral classifier (float64), a float32 copy of it, a 1-8-1 regressor
 * for sine data, and {@code examples/mlp.network.json} (4 inputs, 3 classes).
 */
class JobFitTest {
    private static final String SPIRAL_NETWORK = """
            {"kind": "layers", "dtype": "float64", "inputSize": 2, "seed": 0,
             "layers": [
               {"type": "dense", "name": "dense1", "units": 64, "activation": "relu"},
               {"type": "dense", "name": "dense2", "units": 3, "activation": "softmax"}],
             "loss": "softmax-cross-entropy"}""";
    private static final String SINE_NETWORK = """
            {"kind": "layers", "inputSize": 1,
             "layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 1}],
             "loss": "mean-squared-error"}""";

    private static CompiledGraph compile(String json) {
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(Json.parse(json)), Limits.DEFAULT);
    }

    private static CompiledGraph network(String name) throws Exception {
        switch (name) {
            case "spiral":
                return compile(SPIRAL_NETWORK);
            case "spiral-float32":
                return compile(SPIRAL_NETWORK.replace("float64", "float32"));
            case "sine":
                return compile(SINE_NETWORK);
            case "mlp":
                return compile(Files.readString(Path.of("..", "examples", "mlp.network.json")));
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static JobDefinition job(String dataset, int batchSize) {
        return JobDefinitionParser.parse(Json.parse("{\"network\": \"n\", \"dataset\": " + dataset
                + ", \"batchSize\": " + batchSize + ", \"mode\": \"gradient\"}"));
    }

    /** Materialises the job's rows as the REST layer would, then fits them; an uploaded dataset is a spiral here. */
    private static LabelledData materialiseAndFit(JobDefinition job, CompiledGraph network) {
        JobFit.checkNetwork(job, network);
        LabelledData rows;
        if (job.dataset() instanceof GeneratedDataset generated) {
            rows = JobDatasets.generate(generated).data();
        } else if (job.dataset() instanceof InlineDataset inline) {
            rows = JobDatasets.inline(inline, network, Limits.DEFAULT);
        } else {
            rows = NnfsDatasets.spiralData(100, 3, NnfsDatasets.init());
        }
        return JobFit.fit(job, network, rows);
    }

    @Test
    void aGeneratedSpiralIsTheBooksSpiralAndLeavesTheGeneratorAfterTheData() {
        JobDatasets.Generated generated = JobDatasets.generate(new GeneratedDataset(JobDefinition.Generator.SPIRAL,
                100, 3, 5));

        LegacyRandom expectedRandom = new LegacyRandom(5);
        LabelledData expected = NnfsDatasets.spiralData(100, 3, expectedRandom);
        assertThat(generated.data()).isEqualTo(expected);
        // The weights of "init": "nnfs" are drawn next, so the generator must be exactly where the script's is.
        assertThat(generated.random().snapshot()).isEqualTo(expectedRandom.snapshot());
    }

    @Test
    void generatedVerticalAndSineAreNnfss() {
        assertThat(JobDatasets.generate(new GeneratedDataset(JobDefinition.Generator.VERTICAL, 10, 2, 0)).data())
                .isEqualTo(NnfsDatasets.verticalData(10, 2, NnfsDatasets.init()));
        assertThat(JobDatasets.generate(new GeneratedDataset(JobDefinition.Generator.SINE, 50, 0, 0)).data())
                .isEqualTo(NnfsDatasets.sineData(50));
    }

    @Test
    void generatedFloat32RowsAreWidenedForAFloat64Network() throws Exception {
        JobDefinition job = job("{\"generator\": \"spiral\", \"samples\": 100, \"classes\": 3}", 300);

        LabelledData rows = materialiseAndFit(job, network("spiral"));

        assertThat(rows.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(rows).isEqualTo(NnfsDatasets.spiralData(100, 3, NnfsDatasets.init()).cast(DType.FLOAT64));
    }

    @Test
    void inlineRowsAreReadInTheNetworksDtype() throws Exception {
        JobDefinition job = job("{\"inputs\": {\"x\": [[0.5, 1], [2, 3]]}, \"targets\": {\"y\": [2, 0]}}", 2);

        LabelledData rows = materialiseAndFit(job, network("spiral-float32"));

        assertThat(rows).isEqualTo(new LabelledData(Tensor.ofFloats(new int[] {2, 2}, new float[] {0.5f, 1, 2, 3}),
                Tensor.ofFloats(new int[] {2}, new float[] {2, 0})));
    }

    @Test
    void uploadedRowsOfTheNetworksDtypeFit() throws Exception {
        JobDefinition job = job("{\"id\": \"spiral-100-3\"}", 300);

        assertThat(materialiseAndFit(job, network("spiral-float32")).samples()).isEqualTo(300);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            batch larger than the dataset | spiral | {"generator": "spiral", "samples": 100, "classes": 3} | 301 | batchSize | must be between 1 and 300, got 301
            more classes than outputs | spiral | {"generator": "spiral", "samples": 10, "classes": 4} | 1 | dataset.classes | 4 classes, but the network has 3 outputs; use at most 3 classes or give the last dense layer 4 units
            class ids for a regression loss | sine | {"generator": "vertical", "samples": 10, "classes": 2} | 1 | dataset.generator | vertical gives class ids, which only a categorical loss (softmax-cross-entropy, categorical-cross-entropy) with "targetFormat": "class-ids" takes
            sine rows for a two-input network | spiral | {"generator": "sine"} | 1 | dataset.generator | inputs.x has shape [1000, 1], expected [N, 2] (N is the batch size)
            spiral rows for the four-input mlp | mlp | {"generator": "spiral", "samples": 10, "classes": 3} | 1 | dataset.generator | inputs.x has shape [30, 2], expected [N, 4] (N is the batch size)
            uploaded float32 rows for a float64 network | spiral | {"id": "spiral-100-3"} | 1 | dataset.id | holds float32 rows, the network uses float64; upload the rows as float64 or give the network "dtype": "float32"
            inline rows too narrow | spiral | {"inputs": {"x": [[1], [2]]}, "targets": {"y": [0, 1]}} | 1 | dataset.inputs.x | has shape [2, 1], expected [N, 2] (N is the batch size)
            inline class id beyond the outputs | mlp | {"inputs": {"x": [[1, 2, 3, 4]]}, "targets": {"y": [3]}} | 1 | dataset.targets.y[0] | class id 3.0 is not an integer in [0, 3)
            inline input of another name | spiral | {"inputs": {"z": [[1, 2]]}, "targets": {"y": [0]}} | 1 | dataset.inputs.z | the network has no input named "z"; expected [x]
            inline rows fewer than the batch | spiral | {"inputs": {"x": [[1, 2]]}, "targets": {"y": [0]}} | 2 | batchSize | must be between 1 and 1, got 2
            """)
    void aJobThatDoesNotFitItsNetworkIsRejectedWithTheField(String title, String networkName, String dataset,
            int batchSize, String field, String problem) throws Exception {
        CompiledGraph network = network(networkName);
        JobDefinition job = job(dataset, batchSize);

        DefinitionException error = catchThrowableOfType(DefinitionException.class,
                () -> materialiseAndFit(job, network));

        assertThat(error).as(title).isNotNull();
        assertThat(error.field()).as(title).isEqualTo(field);
        assertThat(error.problem()).as(title).isEqualTo(problem);
    }

    @Test
    void aGraphNetworkFedByOtherNamesCannotRunAJob() {
        CompiledGraph network = compile("""
                {"kind": "graph", "inputs": {"a": {"shape": [null, 2]}}, "parameters": {"w": {"value": [1, 1]}},
                 "nodes": [{"name": "p", "op": "mul", "inputs": ["a", "w"]},
                           {"name": "s", "op": "sum", "inputs": ["p"]}],
                 "output": "s"}""");

        DefinitionException error = catchThrowableOfType(DefinitionException.class,
                () -> JobFit.checkNetwork(job("{\"id\": \"d\"}", 1), network));

        assertThat(error.field()).isEqualTo("network");
        assertThat(error.problem()).isEqualTo("a job feeds input \"x\" and target \"y\", as a layer list is fed;"
                + " this network is fed [inputs.a]");
    }
}
