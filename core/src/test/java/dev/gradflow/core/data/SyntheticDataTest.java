package dev.gradflow.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.job.JobDefinition;
import dev.gradflow.core.job.JobDefinitionParser;
import dev.gradflow.core.testing.Json;
import dev.gradflow.core.tensor.DType;
import org.junit.jupiter.api.Test;

/** The synthetic {@code normal} generator: NumPy's {@code randn} as float32, then uniform class ids. */
class SyntheticDataTest {

    @Test
    void theInputsAreNumpysFirstNormalsForTheSeedRoundedToFloat32() {
        // np.random.seed(0); np.random.randn(2, 3): NumPy's documented first values for seed 0.
        double[] numpy = {1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458,
            1.8675579901499675, -0.977277879876411};

        LabelledData data = SyntheticData.normalClassification(2, 3, 10, new LegacyRandom(0));

        assertThat(data.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(data.inputs().shape()).containsExactly(2, 3);
        for (int i = 0; i < numpy.length; i++) {
            assertThat(data.inputs().floats()[i]).isEqualTo((float) numpy[i]);
        }
    }

    @Test
    void theTargetsAreTheFloorOfUniformsTimesTheClassesDrawnAfterTheInputs() {
        LegacyRandom expected = new LegacyRandom(42);
        expected.fillStandardNormal(new double[50 * 4]);

        LabelledData data = SyntheticData.normalClassification(50, 4, 7, new LegacyRandom(42));

        for (int i = 0; i < 50; i++) {
            assertThat(data.targets().floats()[i]).isEqualTo((float) Math.floor(expected.randomSample() * 7));
        }
        for (float id : data.targets().floats()) {
            assertThat(id).isBetween(0f, 6f);
        }
    }

    @Test
    void aJobAsksForItWithSamplesFeaturesAndClasses() {
        JobDefinition job = JobDefinitionParser.parse(Json.parse("""
                {"network": "n", "dataset": {"generator": "normal", "samples": 60000, "features": 784, "classes": 10},
                 "batchSize": 1000, "mode": "gradient"}"""));

        assertThat(job.dataset()).isEqualTo(new JobDefinition.GeneratedDataset(JobDefinition.Generator.NORMAL, 60000,
                10, 0, 784));
        assertThat(((JobDefinition.GeneratedDataset) job.dataset()).rows()).isEqualTo(60000);
        assertThatThrownBy(() -> JobDefinitionParser.parse(Json.parse("""
                {"network": "n", "dataset": {"generator": "normal", "samples": 100000, "features": 784, "classes": 10},
                 "batchSize": 1000, "mode": "gradient"}"""))).isInstanceOf(DefinitionException.class)
                .hasMessage("dataset.samples: 100000 samples × 784 features = 78400000 elements, more than the limit"
                        + " of 67108864");
        assertThatThrownBy(() -> JobDefinitionParser.parse(Json.parse("""
                {"network": "n", "dataset": {"generator": "normal", "samples": 10, "classes": 10},
                 "batchSize": 1, "mode": "gradient"}"""))).hasMessage("dataset.features: is required");
        assertThatThrownBy(() -> JobDefinitionParser.parse(Json.parse("""
                {"network": "n", "dataset": {"generator": "spiral", "samples": 10, "classes": 3, "features": 2},
                 "batchSize": 1, "mode": "gradient"}"""))).isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("dataset.features: unknown field");
    }
}
