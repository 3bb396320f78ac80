package dev.gradflow.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.job.JobDefinition.GeneratedDataset;
import dev.gradflow.core.job.JobDefinition.Generator;
import dev.gradflow.core.job.JobDefinition.InlineDataset;
import dev.gradflow.core.job.JobDefinition.InlineNetwork;
import dev.gradflow.core.job.JobDefinition.RegisteredNetwork;
import dev.gradflow.core.job.JobDefinition.Train;
import dev.gradflow.core.job.JobDefinition.UploadedDataset;
import dev.gradflow.core.testing.Json;
import dev.gradflow.core.train.Adam;
import dev.gradflow.core.train.Sgd;
import dev.gradflow.core.train.TrainingPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The first stage of {@code POST /jobs}: what the request body alone tells, every error naming its field. */
class JobDefinitionParserTest {

    private static JobDefinition parse(String json) {
        return JobDefinitionParser.parse(Json.parse(json));
    }

    @Test
    void aGradientJobOnARegisteredNetworkAndAnUploadedDataset() {
        JobDefinition job = parse("""
                {"network": "net-1", "dataset": {"id": "data-1"}, "batchSize": 32, "mode": "gradient"}""");

        assertThat(job).isEqualTo(new JobDefinition(new RegisteredNetwork("net-1"), new UploadedDataset("data-1"),
                32, new JobDefinition.Gradient()));
        assertThatThrownBy(job::trainingPlan).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTrainJobWithEveryOptionMakesItsTrainingPlan() {
        JobDefinition job = parse("""
                {"network": "net-1", "dataset": {"generator": "spiral", "samples": 100, "classes": 3, "seed": 7},
                 "batchSize": 50, "mode": "train", "epochs": 10,
                 "optimizer": {"type": "adam", "learningRate": 0.05, "decay": 5e-7},
                 "shuffle": true, "seed": 42, "accumulate": 2}""");

        assertThat(job.dataset()).isEqualTo(new GeneratedDataset(Generator.SPIRAL, 100, 3, 7));
        assertThat(job.mode()).isEqualTo(new Train(10, new Adam(0.05, 5e-7, 1e-7, 0.9, 0.999), true, 42, 2));
        assertThat(job.trainingPlan()).isEqualTo(new TrainingPlan(50, 10, true, 42, 2));
    }

    @Test
    void aTrainJobTakesDefaultsForShuffleSeedAndAccumulate() {
        JobDefinition job = parse("""
                {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1,
                 "optimizer": {"type": "sgd"}}""");

        assertThat(job.mode()).isEqualTo(new Train(1, new Sgd(), false, 0, 1));
        assertThat(job.trainingPlan()).isEqualTo(TrainingPlan.inOrder(1, 1));
    }

    @Test
    void generatedDatasetsTakeNnfsInitsSeedAndSinesDefaultSamples() {
        assertThat(parse("""
                {"network": "n", "dataset": {"generator": "vertical", "samples": 100, "classes": 3},
                 "batchSize": 300, "mode": "gradient"}""").dataset())
                .isEqualTo(new GeneratedDataset(Generator.VERTICAL, 100, 3, 0));
        assertThat(parse("""
                {"network": "n", "dataset": {"generator": "sine"}, "batchSize": 1000, "mode": "gradient"}""")
                .dataset()).isEqualTo(new GeneratedDataset(Generator.SINE, 1000, 0, 0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void inlineNetworkAndRowsAreKeptAsFrozenTrees() {
        Map<String, Object> tree = (Map<String, Object>) Json.parse("""
                {"network": {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 2}],
                             "loss": "softmax-cross-entropy"},
                 "dataset": {"inputs": {"x": [[1, 2]]}, "targets": {"y": [0]}},
                 "batchSize": 1, "mode": "gradient"}""");

        JobDefinition job = JobDefinitionParser.parse(tree);

        InlineNetwork network = (InlineNetwork) job.network();
        InlineDataset dataset = (InlineDataset) job.dataset();
        assertThat(network.definition()).containsEntry("inputSize", 2L);
        assertThat(dataset.batch()).isEqualTo(Map.of("inputs", Map.of("x", List.of(List.of(1L, 2L))),
                "targets", Map.of("y", List.of(0L))));
        // Validated once, so it must not change afterwards: neither through the job nor through the caller's tree.
        assertThatThrownBy(() -> network.definition().put("kind", "graph"))
                .isInstanceOf(UnsupportedOperationException.class);
        ((Map<String, Object>) tree.get("network")).put("inputSize", 3L);
        assertThat(network.definition()).containsEntry("inputSize", 2L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not an object | [1] | $ | expected an object, got an array
            unknown top-level field | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient", "batch_size": 2} | batch_size | unknown field, expected one of [accumulate, batchSize, dataset, epochs, init, mode, network, optimizer, seed, shuffle]
            missing mode | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1} | mode | is required: one of [gradient, train]
            unknown mode | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "predict"} | mode | unknown mode the string "predict", expected one of [gradient, train]
            missing network | {"dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient"} | network | is required: a registered network's id, or a definition object
            network a number | {"network": 7, "dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient"} | network | expected a network id (a string) or a definition (an object), got 7
            blank network id | {"network": " ", "dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient"} | network | must not be blank
            missing dataset | {"network": "n", "batchSize": 1, "mode": "gradient"} | dataset | is required: expected one of {"inputs": …, "targets": …} (inline), {"id": …} (uploaded) or {"generator": …} (generated)
            dataset a string | {"network": "n", "dataset": "d", "batchSize": 1, "mode": "gradient"} | dataset | expected an object, got the string "d"
            dataset of no known form | {"network": "n", "dataset": {"name": "d"}, "batchSize": 1, "mode": "gradient"} | dataset | expected one of {"inputs": …, "targets": …} (inline), {"id": …} (uploaded) or {"generator": …} (generated)
            wrapped inline dataset | {"network": "n", "dataset": {"inline": {"inputs": {}, "targets": {}}}, "batchSize": 1, "mode": "gradient"} | dataset.inline | write the batch's "inputs" and "targets" directly in dataset, without "inline"
            two dataset forms | {"network": "n", "dataset": {"id": "d", "generator": "spiral"}, "batchSize": 1, "mode": "gradient"} | dataset.generator | cannot be combined with id; a dataset is inline, uploaded or generated
            inline rows with an id | {"network": "n", "dataset": {"inputs": {}, "targets": {}, "id": "d"}, "batchSize": 1, "mode": "gradient"} | dataset.id | cannot be combined with inputs and targets; a dataset is inline, uploaded or generated
            inline rows without targets | {"network": "n", "dataset": {"inputs": {"x": [[1]]}}, "batchSize": 1, "mode": "gradient"} | dataset.targets | is required
            inline inputs an array | {"network": "n", "dataset": {"inputs": [[1]], "targets": {}}, "batchSize": 1, "mode": "gradient"} | dataset.inputs | expected an object, got an array
            uploaded id a number | {"network": "n", "dataset": {"id": 5}, "batchSize": 1, "mode": "gradient"} | dataset.id | expected a string, got 5
            uploaded with a seed | {"network": "n", "dataset": {"id": "d", "seed": 1}, "batchSize": 1, "mode": "gradient"} | dataset.seed | unknown field, expected one of [id]
            unknown generator | {"network": "n", "dataset": {"generator": "moons", "samples": 10, "classes": 2}, "batchSize": 1, "mode": "gradient"} | dataset.generator | unknown generator the string "moons", expected one of [spiral, vertical, sine, normal]
            generator a number | {"network": "n", "dataset": {"generator": 1}, "batchSize": 1, "mode": "gradient"} | dataset.generator | unknown generator 1, expected one of [spiral, vertical, sine, normal]
            spiral without samples | {"network": "n", "dataset": {"generator": "spiral", "classes": 3}, "batchSize": 1, "mode": "gradient"} | dataset.samples | is required
            spiral without classes | {"network": "n", "dataset": {"generator": "spiral", "samples": 100}, "batchSize": 1, "mode": "gradient"} | dataset.classes | is required
            zero samples | {"network": "n", "dataset": {"generator": "vertical", "samples": 0, "classes": 3}, "batchSize": 1, "mode": "gradient"} | dataset.samples | must be between 1 and 1048576, got 0
            fractional samples | {"network": "n", "dataset": {"generator": "spiral", "samples": 10.5, "classes": 3}, "batchSize": 1, "mode": "gradient"} | dataset.samples | expected an integer, got 10.5
            too many classes | {"network": "n", "dataset": {"generator": "spiral", "samples": 10, "classes": 257}, "batchSize": 1, "mode": "gradient"} | dataset.classes | must be between 1 and 256, got 257
            too many rows | {"network": "n", "dataset": {"generator": "spiral", "samples": 600000, "classes": 3}, "batchSize": 1, "mode": "gradient"} | dataset.samples | 600000 samples × 3 classes = 1800000 rows, more than the limit of 1048576
            sine with classes | {"network": "n", "dataset": {"generator": "sine", "classes": 2}, "batchSize": 1, "mode": "gradient"} | dataset.classes | sine takes no classes; its targets are values, not class ids
            negative dataset seed | {"network": "n", "dataset": {"generator": "sine", "seed": -1}, "batchSize": 1, "mode": "gradient"} | dataset.seed | must be between 0 and 4294967295, got -1
            seed beyond 32 bits | {"network": "n", "dataset": {"generator": "sine", "seed": 4294967296}, "batchSize": 1, "mode": "gradient"} | dataset.seed | must be between 0 and 4294967295, got 4294967296
            unknown generator field | {"network": "n", "dataset": {"generator": "sine", "noise": 0.1}, "batchSize": 1, "mode": "gradient"} | dataset.noise | unknown field, expected one of [generator, samples, seed]
            missing batch size | {"network": "n", "dataset": {"id": "d"}, "mode": "gradient"} | batchSize | is required
            zero batch size | {"network": "n", "dataset": {"id": "d"}, "batchSize": 0, "mode": "gradient"} | batchSize | must be between 1 and 1048576, got 0
            batch size a string | {"network": "n", "dataset": {"id": "d"}, "batchSize": "32", "mode": "gradient"} | batchSize | expected an integer, got the string "32"
            epochs in a gradient job | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient", "epochs": 3} | epochs | only for mode "train"
            optimizer in a gradient job | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient", "optimizer": {"type": "sgd"}} | optimizer | only for mode "train"
            accumulate in a gradient job | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "gradient", "accumulate": 2} | accumulate | only for mode "train"
            train without epochs | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "optimizer": {"type": "sgd"}} | epochs | is required
            zero epochs | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 0, "optimizer": {"type": "sgd"}} | epochs | must be between 1 and 1000000, got 0
            train without optimizer | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1} | optimizer | is required
            optimizer option that does not exist | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1, "optimizer": {"type": "adam", "beta_1": 0.9}} | optimizer.beta_1 | unknown option; adam takes learningRate, decay, epsilon, beta1, beta2
            optimizer option out of range | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1, "optimizer": {"type": "adam", "beta1": 1}} | optimizer.beta1 | must be in [0, 1), got 1.0
            shuffle a string | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1, "optimizer": {"type": "sgd"}, "shuffle": "yes"} | shuffle | expected a boolean, got the string "yes"
            seed without shuffle | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1, "optimizer": {"type": "sgd"}, "seed": 3} | seed | only with "shuffle": true; the dataset's seed is dataset.seed
            zero accumulate | {"network": "n", "dataset": {"id": "d"}, "batchSize": 1, "mode": "train", "epochs": 1, "optimizer": {"type": "sgd"}, "accumulate": 0} | accumulate | must be between 1 and 65536, got 0
            """)
    void aBadJobIsRejectedWithTheFieldAndTheProblem(String title, String json, String field, String problem) {
        DefinitionException error = catchThrowableOfType(DefinitionException.class, () -> parse(json));

        assertThat(error).as(title).isNotNull();
        assertThat(error.field()).as(title).isEqualTo(field);
        assertThat(error.problem()).as(title).isEqualTo(problem);
    }
}
