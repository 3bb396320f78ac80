package dev.gradflow.core.job;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.job.JobDefinition.GeneratedDataset;
import dev.gradflow.core.job.JobDefinition.InlineDataset;
import dev.gradflow.core.ops.CategoricalCrossEntropy;
import dev.gradflow.core.ops.SoftmaxCrossEntropy;
import java.util.List;

/**
 * The second stage of checking a job: against the compiled network and the materialised dataset. Every error
 * names the request's field: {@code dataset.classes}, {@code batchSize}, or {@code dataset.…} for the rows.
 *
 * <p>Call {@link #checkNetwork} before materialising anything (it needs only the network), then {@link #fit}.
 */
public final class JobFit {
    private JobFit() {
    }

    /**
     * What the job's description alone says against the network: that it is fed as a layer list is (input
     * {@code x}, target {@code y}), and that a generator's class ids fit the loss's outputs.
     */
    public static void checkNetwork(JobDefinition job, CompiledGraph network) {
        checkFedByXAndY(network);
        if (job.dataset() instanceof GeneratedDataset generated && generated.generator().hasClasses()) {
            checkClasses(generated, network);
        }
    }

    /**
     * Checks the rows against the network and the batch size against the rows.
     *
     * @param data the materialised dataset: {@link JobDatasets#inline}, {@link JobDatasets#generate}, or the rows
     *     of an uploaded dataset
     * @return the rows in the network's dtype: a generated dataset is cast, since its dtype is the generator's and
     *     not the client's choice (float32 widens to float64 exactly); any other dataset must already match
     * @throws DefinitionException naming the field of the request that does not fit
     */
    public static LabelledData fit(JobDefinition job, CompiledGraph network, LabelledData data) {
        checkNetwork(job, network);
        String field = rowsField(job);
        LabelledData rows = data;
        if (data.dtype() != network.dtype()) {
            if (!(job.dataset() instanceof GeneratedDataset)) {
                throw new DefinitionException(field, "holds " + data.dtype().label() + " rows, the network uses "
                        + network.dtype().label() + "; upload the rows as " + network.dtype().label()
                        + " or give the network \"dtype\": \"" + data.dtype().label() + "\"");
            }
            rows = data.cast(network.dtype());
        }
        try {
            Feeds.check(network, rows.feeds());
        } catch (DefinitionException e) {
            // Inline rows have fields of their own under dataset; other rows only have the field that names them.
            throw job.dataset() instanceof InlineDataset ? new DefinitionException("dataset." + e.field(), e.problem())
                    : new DefinitionException(field, e.field() + " " + e.problem());
        }
        if (job.batchSize() > rows.samples()) {
            // TrainingPlan.checkFits says the same, but under its own root; a job's field is the top-level one.
            throw new DefinitionException("batchSize", "must be between 1 and " + rows.samples() + ", got "
                    + job.batchSize());
        }
        return rows;
    }

    /** {@link LabelledData} feeds exactly {@code x} and {@code y}, so a job's network must be fed by those. */
    static void checkFedByXAndY(CompiledGraph network) {
        List<String> fed = network.fedNodes().stream().map(n -> (n.kind() == NodeKind.INPUT ? "inputs." : "targets.")
                + n.name()).toList();
        if (!fed.equals(List.of("inputs." + LabelledData.INPUT_NAME, "targets." + LabelledData.TARGET_NAME))) {
            throw new DefinitionException("network", "a job feeds input \"x\" and target \"y\", as a layer list"
                    + " is fed; this network is fed " + fed);
        }
    }

    private static void checkClasses(GeneratedDataset generated, CompiledGraph network) {
        String name = generated.generator().label();
        for (GraphNode node : network.nodes()) {
            if (!(node.op() instanceof SoftmaxCrossEntropy || node.op() instanceof CategoricalCrossEntropy)) {
                continue;
            }
            GraphNode target = network.nodes().get(node.inputs()[1]);
            int[] predictions = network.nodes().get(node.inputs()[0]).shape();
            if (target.kind() != NodeKind.TARGET || target.shape().length != 1) {
                break;
            }
            int outputs = predictions[predictions.length - 1];
            if (generated.classes() > outputs) {
                throw new DefinitionException("dataset.classes", generated.classes() + " classes, but the network"
                        + " has " + outputs + " outputs; use at most " + outputs + " classes or give the last dense"
                        + " layer " + generated.classes() + " units");
            }
            return;
        }
        throw new DefinitionException("dataset.generator", name + " gives class ids, which only a categorical loss"
                + " (softmax-cross-entropy, categorical-cross-entropy) with \"targetFormat\": \"class-ids\" takes");
    }

    private static String rowsField(JobDefinition job) {
        if (job.dataset() instanceof GeneratedDataset) {
            return "dataset.generator";
        }
        return job.dataset() instanceof InlineDataset ? "dataset" : "dataset.id";
    }
}
