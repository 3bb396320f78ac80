package dev.gradflow.core.job;

import static dev.gradflow.core.graph.JsonTree.child;
import static dev.gradflow.core.graph.JsonTree.describe;
import static dev.gradflow.core.job.JobTrees.integer;
import static dev.gradflow.core.graph.JsonTree.object;
import static dev.gradflow.core.graph.JsonTree.onlyKeys;
import static dev.gradflow.core.graph.JsonTree.string;

import dev.gradflow.core.data.LegacyRandom;
import dev.gradflow.core.data.NnfsDatasets;
import dev.gradflow.core.data.SyntheticData;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.JsonTree;
import dev.gradflow.core.job.JobDefinition.Dataset;
import dev.gradflow.core.job.JobDefinition.GeneratedDataset;
import dev.gradflow.core.job.JobDefinition.Generator;
import dev.gradflow.core.job.JobDefinition.InlineDataset;
import dev.gradflow.core.job.JobDefinition.InlineNetwork;
import dev.gradflow.core.job.JobDefinition.Mode;
import dev.gradflow.core.job.JobDefinition.Network;
import dev.gradflow.core.job.JobDefinition.RegisteredNetwork;
import dev.gradflow.core.job.JobDefinition.UploadedDataset;
import dev.gradflow.core.train.OptimizerParser;
import dev.gradflow.core.train.TrainingPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a job from a JSON tree (what any JSON parser makes of a {@code POST /jobs} body: maps, lists, strings,
 * numbers, booleans, nulls), checking everything the tree alone can tell: types, ranges, unknown fields, and
 * options of the other mode. Whether the network and the dataset fit is {@link JobFit}'s, once they are resolved.
 *
 * <table>
 *   <caption>Fields</caption>
 *   <tr><th>field</th><th>value</th></tr>
 *   <tr><td>{@code network}</td><td>a registered network's id (a string), or a definition (an object)</td></tr>
 *   <tr><td>{@code dataset}</td><td>inline {@code {"inputs": {...}, "targets": {...}}}, exactly a batch's body;
 *       uploaded {@code {"id": "..."}}; or generated {@code {"generator": "spiral"|"vertical"|"sine",
 *       "samples": n, "classes": k, "seed": s}}, or synthetic {@code {"generator": "normal", "samples": n,
 *       "features": f, "classes": k, "seed": s}}</td></tr>
 *   <tr><td>{@code batchSize}</td><td>rows per batch, at least 1</td></tr>
 *   <tr><td>{@code mode}</td><td>{@code "gradient"} or {@code "train"}</td></tr>
 *   <tr><td>{@code epochs}, {@code optimizer}</td><td>train only, required</td></tr>
 *   <tr><td>{@code shuffle}, {@code seed}, {@code accumulate}</td><td>train only: default false; only with
 *       shuffle, default 0; default 1</td></tr>
 *   <tr><td>{@code init}</td><td>{@code "definition"} (the default: the network's own values, or its seeded
 *       initialisation) or {@code "nnfs"}: the book's {@code 0.01 · randn} weights and zero biases, drawn after a
 *       generated dataset from its generator (else from a generator seeded 0, as {@code nnfs.init()} seeds)</td></tr>
 * </table>
 */
public final class JobDefinitionParser {
    /** The modes, in the order. */
    public static final List<String> MODES = List.of("gradient", "train");
    /** The fields only a training job takes. */
    public static final List<String> TRAIN_FIELDS = List.of("epochs", "optimizer", "shuffle", "seed", "accumulate");
    /**
     * The most rows a generator may make: 2²⁰, far beyond the book's 100 to 1000 rows per class but small enough
     * (16 MiB of float64 points) that a request cannot make the service allocate without bound.
     */
    public static final int MAX_GENERATED_ROWS = 1 << 20;

    private static final Set<String> FIELDS = Set.of("network", "dataset", "batchSize", "mode", "epochs",
            "optimizer", "shuffle", "seed", "accumulate", "init");
    /** The values of {@code init}. */
    public static final List<String> INITS = List.of("definition", "nnfs");
    private static final Set<String> INLINE_FIELDS = Set.of("inputs", "targets");
    private static final Set<String> GENERATED_FIELDS = Set.of("generator", "samples", "classes", "seed");
    private static final Set<String> GENERATED_FIELDS_WITHOUT_CLASSES = Set.of("generator", "samples", "seed");
    private static final Set<String> NORMAL_FIELDS = Set.of("generator", "samples", "features", "classes", "seed");
    private static final String DATASET_FORMS = "expected one of {\"inputs\": …, \"targets\": …} (inline), "
            + "{\"id\": …} (uploaded) or {\"generator\": …} (generated)";

    private JobDefinitionParser() {
    }

    /**
     * @param tree the request body's JSON tree
     * @throws DefinitionException naming the field ({@code dataset.samples}, {@code optimizer.beta1}) and the problem
     */
    public static JobDefinition parse(Object tree) {
        Map<String, Object> root = object(tree, "");
        onlyKeys(root, "", FIELDS);
        // The mode first: it decides which of the other fields may appear at all.
        String mode = mode(root.get("mode"));
        Network network = network(root.get("network"));
        Dataset dataset = dataset(root.get("dataset"));
        int batchSize = (int) integer(required(root, "batchSize"), "batchSize", 1, TrainingPlan.MAX_BATCH_SIZE);
        boolean nnfsInit = init(root.get("init"));
        return new JobDefinition(network, dataset, batchSize, mode.equals("train") ? train(root) : gradient(root),
                nnfsInit);
    }

    private static boolean init(Object value) {
        if (value == null) {
            return false;
        }
        String init = string(value, "init");
        if (!INITS.contains(init)) {
            fail("init", "unknown initialisation " + describe(value) + ", expected one of " + INITS);
        }
        return init.equals("nnfs");
    }

    private static String mode(Object value) {
        if (value == null) {
            return fail("mode", "is required: one of " + MODES);
        }
        if (!(value instanceof String name) || !MODES.contains(name)) {
            return fail("mode", "unknown mode " + describe(value) + ", expected one of " + MODES);
        }
        return name;
    }

    private static Network network(Object value) {
        if (value == null) {
            fail("network", "is required: a registered network's id, or a definition object");
        }
        if (value instanceof Map) {
            return new InlineNetwork(object(value, "network"));
        }
        if (value instanceof String) {
            return new RegisteredNetwork(string(value, "network"));
        }
        return fail("network", "expected a network id (a string) or a definition (an object), got "
                + describe(value));
    }

    private static Dataset dataset(Object value) {
        if (value == null) {
            fail("dataset", "is required: " + DATASET_FORMS);
        }
        Map<String, Object> dataset = object(value, "dataset");
        if (dataset.containsKey("inline")) {
            // The issue shows the flat form; a wrapped one would be a second spelling of the same thing.
            fail("dataset.inline", "write the batch's \"inputs\" and \"targets\" directly in dataset, without"
                    + " \"inline\"");
        }
        String form = null;
        for (String key : List.of("inputs", "targets", "id", "generator")) {
            if (!dataset.containsKey(key)) {
                continue;
            }
            String keyForm = INLINE_FIELDS.contains(key) ? "inline" : key;
            if (form != null && !form.equals(keyForm)) {
                fail("dataset." + key, "cannot be combined with " + (form.equals("inline") ? "inputs and targets"
                        : form) + "; a dataset is inline, uploaded or generated");
            }
            form = keyForm;
        }
        if (form == null) {
            return fail("dataset", DATASET_FORMS);
        }
        switch (form) {
            case "inline" -> {
                onlyKeys(dataset, "dataset", INLINE_FIELDS);
                object(required(dataset, "dataset", "inputs"), "dataset.inputs");
                object(required(dataset, "dataset", "targets"), "dataset.targets");
                return new InlineDataset(dataset);
            }
            case "id" -> {
                onlyKeys(dataset, "dataset", Set.of("id"));
                return new UploadedDataset(string(dataset.get("id"), "dataset.id"));
            }
            default -> {
                return generated(dataset);
            }
        }
    }

    private static GeneratedDataset generated(Map<String, Object> dataset) {
        Object name = dataset.get("generator");
        Generator generator = Arrays.stream(Generator.values()).filter(g -> g.label().equals(name)).findFirst()
                .orElseThrow(() -> new DefinitionException("dataset.generator", "unknown generator "
                        + describe(name) + ", expected one of "
                        + Arrays.stream(Generator.values()).map(Generator::label).toList()));
        if (!generator.hasClasses() && dataset.containsKey("classes")) {
            fail("dataset.classes", generator.label() + " takes no classes; its targets are values, not class ids");
        }
        onlyKeys(dataset, "dataset", generator == Generator.NORMAL ? NORMAL_FIELDS
                : generator.hasClasses() ? GENERATED_FIELDS : GENERATED_FIELDS_WITHOUT_CLASSES);
        // sine_data has a default number of samples; spiral_data and vertical_data take both arguments.
        Object samplesValue = generator.hasClasses() ? required(dataset, "dataset", "samples")
                : dataset.getOrDefault("samples", NnfsDatasets.DEFAULT_SINE_SAMPLES);
        int samples = (int) integer(samplesValue, "dataset.samples", 1, MAX_GENERATED_ROWS);
        int classes = 0;
        if (generator.hasClasses()) {
            classes = (int) integer(required(dataset, "dataset", "classes"), "dataset.classes", 1,
                    NnfsDatasets.MAX_CLASSES);
            if (generator != Generator.NORMAL && (long) samples * classes > MAX_GENERATED_ROWS) {
                fail("dataset.samples", samples + " samples × " + classes + " classes = " + (long) samples * classes
                        + " rows, more than the limit of " + MAX_GENERATED_ROWS);
            }
        }
        long seed = dataset.get("seed") == null ? NnfsDatasets.NNFS_SEED
                : integer(dataset.get("seed"), "dataset.seed", 0, LegacyRandom.MAX_SEED);
        int features = 0;
        if (generator == Generator.NORMAL) {
            features = (int) integer(required(dataset, "dataset", "features"), "dataset.features", 1,
                    SyntheticData.MAX_ELEMENTS);
            if ((long) samples * features > SyntheticData.MAX_ELEMENTS) {
                fail("dataset.samples", samples + " samples × " + features + " features = " + (long) samples * features
                        + " elements, more than the limit of " + SyntheticData.MAX_ELEMENTS);
            }
        }
        return new GeneratedDataset(generator, samples, classes, seed, features);
    }

    private static Mode gradient(Map<String, Object> root) {
        for (String field : TRAIN_FIELDS) {
            if (root.containsKey(field)) {
                fail(field, "only for mode \"train\"");
            }
        }
        return new JobDefinition.Gradient();
    }

    private static Mode train(Map<String, Object> root) {
        int epochs = (int) integer(required(root, "epochs"), "epochs", 1, TrainingPlan.MAX_EPOCHS);
        var optimizer = OptimizerParser.parse(required(root, "optimizer"), "optimizer");
        boolean shuffle = root.get("shuffle") != null && JobTrees.bool(root.get("shuffle"), "shuffle");
        long seed = 0;
        if (root.get("seed") != null) {
            // A seed without shuffling would be silently ignored, and is easily mistaken for the dataset's seed.
            if (!shuffle) {
                fail("seed", "only with \"shuffle\": true; the dataset's seed is dataset.seed");
            }
            seed = integer(root.get("seed"), "seed", 0, LegacyRandom.MAX_SEED);
        }
        int accumulate = root.get("accumulate") == null ? 1
                : (int) integer(root.get("accumulate"), "accumulate", 1, TrainingPlan.MAX_ACCUMULATE);
        return new JobDefinition.Train(epochs, optimizer, shuffle, seed, accumulate);
    }

    private static Object required(Map<String, Object> root, String key) {
        return required(root, "", key);
    }

    private static Object required(Map<String, Object> object, String path, String key) {
        Object value = object.get(key);
        if (value == null) {
            fail(child(path, key), "is required");
        }
        return value;
    }

    /** Throws; typed to return so that a caller can {@code return fail(...)} where the compiler wants a value. */
    private static <T> T fail(String field, String problem) {
        throw new DefinitionException(field, problem);
    }
}
