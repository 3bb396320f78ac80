package dev.gradflow.gateway.service;

import dev.gradflow.core.data.CsvDataset;
import dev.gradflow.core.data.DatasetFormatException;
import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.data.NpyFormat;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.DatasetRecord;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads uploaded datasets (NumPy {@code .npy} files or CSV), checks them, and publishes them to {@code datasets}.
 * Every problem with a file is a {@link DefinitionException} naming the part ({@code x}, {@code y}) or the query
 * parameter, with the reader's reason (the line and column of a CSV, the header field of a {@code .npy}).
 */
@ApplicationScoped
public class DatasetUploads {

    @Inject
    DatasetStore datasets;

    @Inject
    Publisher publisher;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry meters;

    /**
     * Inputs and targets as two {@code .npy} files.
     *
     * @param dtype {@code float32} or {@code float64}, or null for the inputs' own (float32 for {@code f4} and
     *     {@code f2} files, float64 for every other); the targets take the same
     */
    public String uploadNpy(byte[] x, byte[] y, String dtype, Caller caller) {
        if (x == null) {
            throw new DefinitionException("x", "is required: the inputs as a .npy file [N, features]");
        }
        if (y == null) {
            throw new DefinitionException("y", "is required: the targets as a .npy file, class ids [N] or rows [N, k]");
        }
        Tensor inputs = read(x, "x");
        Tensor targets = read(y, "y");
        if (inputs.rank() != 2) {
            throw new DefinitionException("x", "has shape " + shape(inputs) + "; the inputs must be [N, features]");
        }
        if (targets.rank() < 1 || targets.rank() > 2 || targets.dim(0) != inputs.dim(0)) {
            throw new DefinitionException("y", "has shape " + shape(targets) + "; the targets must be [" + inputs.dim(0)
                    + "] class ids or [" + inputs.dim(0) + ", k] rows, one per row of x");
        }
        DType type = dtype == null ? inputs.dtype() : dtypeOf(dtype);
        return publish(new LabelledData(inputs.cast(type), targets.cast(type)), caller);
    }

    /**
     * A CSV file whose target columns are named or numbered in {@code targets}, the others being the inputs.
     *
     * @param targets column names or 0-based indices, comma-separated
     * @param dtype {@code float32} or {@code float64} (the default)
     */
    public String uploadCsv(byte[] csv, String targets, String dtype, Caller caller) {
        CsvDataset.TargetColumns columns = targetColumns(targets);
        DType type = dtype == null ? DType.FLOAT64 : dtypeOf(dtype);
        try {
            return publish(CsvDataset.read(csv, columns, type, new CsvDataset.Limits(
                    (int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()), 10_000_000, 100_000)), caller);
        } catch (DatasetFormatException e) {
            throw new DefinitionException("$", e.getMessage());
        }
    }

    /** Publishes the dataset as the caller's. */
    private String publish(LabelledData rows, Caller caller) {
        long elements = (long) rows.inputs().size() + rows.targets().size();
        if (rows.inputs().size() > config.maxTensorElements() || rows.targets().size() > config.maxTensorElements()) {
            throw new DefinitionException("$", "the dataset has " + elements + " elements, more than the limit "
                    + config.maxTensorElements() + " per tensor (gradflow.gateway.max-tensor-elements)");
        }
        String datasetId = "dataset-" + UUID.randomUUID();
        publisher.dataset(datasetId, new DatasetRecord(datasetId, rows).encode(), caller.tenant());
        datasets.put(datasetId, rows, caller.tenant());
        Counter.builder("gradflow.records.published").description("Records the gateway published")
                .tag("channel", "datasets").register(meters).increment();
        return datasetId;
    }

    private Tensor read(byte[] file, String part) {
        try {
            return NpyFormat.read(file, (int) Math.min(Integer.MAX_VALUE, config.maxTensorElements()));
        } catch (DatasetFormatException e) {
            throw new DefinitionException(part, e.getMessage());
        }
    }

    private static CsvDataset.TargetColumns targetColumns(String targets) {
        if (targets == null || targets.isBlank()) {
            throw new DefinitionException("targets", "is required: the target columns, by header name or 0-based"
                    + " index, comma-separated (one column: class ids; several: target rows)");
        }
        String[] names = targets.split(",", -1);
        if (names.length > 0 && java.util.Arrays.stream(names).allMatch(name -> name.strip().matches("-?[0-9]+"))) {
            return CsvDataset.TargetColumns.indexed(java.util.Arrays.stream(names)
                    .mapToInt(name -> Integer.parseInt(name.strip())).toArray());
        }
        List<String> list = new ArrayList<>();
        for (String name : names) {
            if (name.isBlank()) {
                throw new DefinitionException("targets", "holds an empty column name: \"" + targets + "\"");
            }
            list.add(name.strip());
        }
        return new CsvDataset.ByName(list);
    }

    private static DType dtypeOf(String dtype) {
        for (DType type : List.of(DType.FLOAT32, DType.FLOAT64)) {
            if (type.label().equals(dtype)) {
                return type;
            }
        }
        throw new DefinitionException("dtype", "unknown dtype \"" + dtype + "\", expected float32 or float64");
    }

    private static String shape(Tensor tensor) {
        return dev.gradflow.core.tensor.Shapes.format(tensor.shape());
    }
}
