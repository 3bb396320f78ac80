package dev.gradflow.core.job;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.data.LegacyRandom;
import dev.gradflow.core.data.NnfsDatasets;
import dev.gradflow.core.data.SyntheticData;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobDefinition.GeneratedDataset;
import dev.gradflow.core.job.JobDefinition.InlineDataset;
import dev.gradflow.core.tensor.Tensor;
import java.util.Map;

/** Turns a job's inline or generated dataset into rows. Uploaded datasets are the caller's to fetch. */
public final class JobDatasets {
    private JobDatasets() {
    }

    /**
     * A generated dataset and the generator it was drawn from.
     *
     * @param data in the generator's own dtype (float32 for spiral and vertical, float64 for sine)
     * @param random advanced past the data, as after the book script's {@code spiral_data} call, so that weights
     *     initialised with {@code "init": "nnfs"} are drawn after the data, in the script's order
     */
    public record Generated(LabelledData data, LegacyRandom random) {
    }

    /** Draws the dataset from a fresh generator seeded with {@code spec.seed()}, before anything else draws. */
    public static Generated generate(GeneratedDataset spec) {
        LegacyRandom random = new LegacyRandom(spec.seed());
        LabelledData data = switch (spec.generator()) {
            case SPIRAL -> NnfsDatasets.spiralData(spec.samples(), spec.classes(), random);
            case VERTICAL -> NnfsDatasets.verticalData(spec.samples(), spec.classes(), random);
            case SINE -> NnfsDatasets.sineData(spec.samples());
            case NORMAL -> SyntheticData.normalClassification(spec.samples(), spec.features(), spec.classes(), random);
        };
        return new Generated(data, random);
    }

    /**
     * Reads inline rows as a batch is read, in the network's dtype, checked against the network.
     *
     * @throws DefinitionException naming the field under {@code dataset}, such as {@code dataset.inputs.x[3]}
     */
    public static LabelledData inline(InlineDataset spec, CompiledGraph network, Limits limits) {
        JobFit.checkFedByXAndY(network);
        Map<String, Tensor> feeds;
        try {
            feeds = Feeds.parse(spec.batch(), network, limits);
        } catch (DefinitionException e) {
            throw new DefinitionException("dataset." + e.field(), e.problem());
        }
        return new LabelledData(feeds.get(LabelledData.INPUT_NAME), feeds.get(LabelledData.TARGET_NAME));
    }
}
