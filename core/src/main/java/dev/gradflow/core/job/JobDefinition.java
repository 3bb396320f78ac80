package dev.gradflow.core.job;

import dev.gradflow.core.train.Optimizer;
import dev.gradflow.core.train.TrainingPlan;
import java.util.Map;
import java.util.Objects;

/**
 * A job as {@link JobDefinitionParser} accepted it: syntax and ranges checked, references not yet resolved. Whether
 * the network and the dataset fit each other is {@link JobFit}'s second stage.
 *
 * @param network a registered network's id, or an inline definition still to be parsed
 * @param dataset inline, uploaded or generated
 * @param batchSize rows per batch, in [1, {@link TrainingPlan#MAX_BATCH_SIZE}]; the dataset's size caps it further
 * @param mode the gradient over the whole dataset, or training
 * @param nnfsInit whether the network starts from the book's initial weights ({@code "init": "nnfs"}) rather than
 *     from its definition's
 */
public record JobDefinition(Network network, Dataset dataset, int batchSize, Mode mode, boolean nnfsInit) {
    public JobDefinition {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(mode, "mode");
    }

    /** A job that starts from its network definition's parameters. */
    public JobDefinition(Network network, Dataset dataset, int batchSize, Mode mode) {
        this(network, dataset, batchSize, mode, false);
    }

    /**
     * The plan a training job walks its dataset by.
     *
     * @throws IllegalStateException for a gradient job, which has no epochs, optimizer or shuffling
     */
    public TrainingPlan trainingPlan() {
        if (!(mode instanceof Train train)) {
            throw new IllegalStateException("a gradient job has no training plan");
        }
        return new TrainingPlan(batchSize, train.epochs(), train.shuffle(), train.shuffleSeed(), train.accumulate());
    }

    /** Where the network comes from. */
    public sealed interface Network permits RegisteredNetwork, InlineNetwork {
    }

    /** A network registered earlier with {@code POST /networks}. */
    public record RegisteredNetwork(String id) implements Network {
        public RegisteredNetwork {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * A definition given in the job itself, kept as its JSON tree (deeply unmodifiable) for
     * {@code DefinitionParser}, whose errors then name fields under {@code network}.
     */
    public record InlineNetwork(Map<String, Object> definition) implements Network {
        @SuppressWarnings("unchecked")
        public InlineNetwork {
            definition = (Map<String, Object>) JobTrees.frozenCopy(definition);
        }
    }

    /** Where the rows come from. */
    public sealed interface Dataset permits InlineDataset, UploadedDataset, GeneratedDataset {
    }

    /**
     * Rows written in the request exactly as a batch is, {@code {"inputs": {...}, "targets": {...}}}, kept as the
     * JSON tree (deeply unmodifiable) because its numbers only become tensors in the network's dtype.
     */
    public record InlineDataset(Map<String, Object> batch) implements Dataset {
        @SuppressWarnings("unchecked")
        public InlineDataset {
            batch = (Map<String, Object>) JobTrees.frozenCopy(batch);
        }
    }

    /** A dataset uploaded earlier, by its id. */
    public record UploadedDataset(String id) implements Dataset {
        public UploadedDataset {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * One of the nnfs package's datasets, or synthetic normal data, drawn from NumPy's legacy generator seeded with
     * {@code seed} (0 is what {@code nnfs.init()} seeds).
     *
     * @param samples per class for spiral and vertical (nnfs's {@code samples}); rows in all for sine and normal
     * @param classes for spiral, vertical and normal, in [1, 256]; 0 for sine, which has none
     * @param seed in [0, 2³²); sine draws nothing, but the seed still matters to weights drawn after it
     * @param features the inputs per row of normal data; 0 for the nnfs generators, whose inputs are fixed
     */
    public record GeneratedDataset(Generator generator, int samples, int classes, long seed, int features)
            implements Dataset {
        public GeneratedDataset {
            Objects.requireNonNull(generator, "generator");
            if (generator.hasClasses() != (classes > 0)) {
                throw new IllegalArgumentException(generator.label() + (generator.hasClasses()
                        ? " needs at least one class" : " takes no classes") + ", got " + classes);
            }
            if ((generator == Generator.NORMAL) != (features > 0)) {
                throw new IllegalArgumentException(generator.label() + (generator == Generator.NORMAL
                        ? " needs at least one feature" : " takes no features") + ", got " + features);
            }
        }

        /** One of the nnfs package's datasets. */
        public GeneratedDataset(Generator generator, int samples, int classes, long seed) {
            this(generator, samples, classes, seed, 0);
        }

        /** The number of rows the generator makes. */
        public int rows() {
            return generator.hasClasses() && generator != Generator.NORMAL ? samples * classes : samples;
        }
    }

    /** The generators by their names in JSON. */
    public enum Generator {
        /** {@code spiral_data(samples, classes)}: float32 points [N, 2], class ids [N]. */
        SPIRAL("spiral", true),
        /** {@code vertical_data(samples, classes)}: float32 points [N, 2], class ids [N]. */
        VERTICAL("vertical", true),
        /** {@code sine_data(samples)}: float64 x [N, 1], sin(2πx) [N, 1]. */
        SINE("sine", false),
        /** Synthetic, not nnfs's: float32 standard normals [N, features], uniform class ids [N] (SyntheticData). */
        NORMAL("normal", true);

        private final String label;
        private final boolean hasClasses;

        Generator(String label, boolean hasClasses) {
            this.label = label;
            this.hasClasses = hasClasses;
        }

        public String label() {
            return label;
        }

        /** Whether the targets are class ids, so that the request gives a number of classes. */
        public boolean hasClasses() {
            return hasClasses;
        }
    }

    /** What the job computes. */
    public sealed interface Mode permits Gradient, Train {
    }

    /** The gradient of the mean loss over the whole dataset, computed in batches of {@code batchSize} rows. */
    public record Gradient() implements Mode {
    }

    /**
     * Mini-batch training; the fields are {@link TrainingPlan}'s, with the optimizer that makes each step.
     *
     * @param shuffleSeed the request's {@code seed}; 0 when not shuffling
     */
    public record Train(int epochs, Optimizer optimizer, boolean shuffle, long shuffleSeed, int accumulate)
            implements Mode {
        public Train {
            Objects.requireNonNull(optimizer, "optimizer");
        }
    }
}
