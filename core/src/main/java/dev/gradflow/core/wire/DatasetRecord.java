package dev.gradflow.core.wire;

import dev.gradflow.core.data.LabelledData;
import java.util.Objects;

/**
 * An uploaded dataset: the value of a record on topic {@code datasets}, keyed by dataset id (compacted; a tombstone
 * deletes the dataset).
 * <pre>
 * 4 bytes  magic "GFDS", 1 byte version (1)
 * string   dataset id
 * tensor   inputs x [N, features]
 * tensor   targets y: class ids [N], or rows [N, k]; the same dtype as x
 * </pre>
 */
public record DatasetRecord(String datasetId, LabelledData rows) {
    static final byte[] MAGIC = {'G', 'F', 'D', 'S'};
    static final byte VERSION = 1;

    public DatasetRecord {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(rows, "rows");
    }

    public byte[] encode() {
        return new WireWriter(256 + datasetId.length() * 3).magic(MAGIC, VERSION).string(datasetId)
                .tensor(rows.inputs()).tensor(rows.targets()).toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where */
    public static DatasetRecord decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "dataset record");
        reader.magic(MAGIC, VERSION);
        String datasetId = reader.string("dataset id");
        var inputs = reader.tensor("inputs");
        var targets = reader.tensor("targets");
        reader.end();
        try {
            return new DatasetRecord(datasetId, new LabelledData(inputs, targets));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("dataset record: " + e.getMessage());
        }
    }
}
