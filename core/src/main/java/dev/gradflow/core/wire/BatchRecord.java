package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A batch to run through a network: the value of a record on topic {@code batches}, keyed by network id.
 * <pre>
 * 4 bytes  magic "GFBA", 1 byte version (1)
 * string   batch id           (string = int32 byte length, then UTF-8)
 * string   network id
 * int32    number of tensors, then for each: string name, tensor (see {@link TensorCodec})
 * </pre>
 *
 * @param batchId chosen by the submitter, unique per batch
 * @param networkId the registered network to run
 * @param tensors one per input and target of the network, by name
 */
public record BatchRecord(String batchId, String networkId, Map<String, Tensor> tensors) {
    static final byte[] MAGIC = {'G', 'F', 'B', 'A'};
    static final byte VERSION = 1;
    private static final int MAX_TENSORS = 10_000;

    public BatchRecord {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * The seed of this batch's random draws (dropout masks): FNV-1a over the UTF-8 bytes of the batch id. It is a
     * function of the id alone, so a redelivered or replayed batch draws the same masks and gets bit-identical
     * gradients, on any JVM.
     */
    public long seed() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : batchId.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    /** How many samples this batch holds: see {@link #samplesOf(Collection)}. */
    public int samples() {
        return samplesOf(tensors.values());
    }

    /**
     * How many samples a batch with these inputs (or their gradients, which have the same shapes) holds: the
     * leading dimension of its largest matrix or higher-rank tensor, one row per sample; 1 when all are scalars or
     * vectors (the chapter's single neuron, say, whose input vector is one sample). For metrics only.
     */
    public static int samplesOf(Collection<Tensor> tensors) {
        int samples = 1;
        for (Tensor tensor : tensors) {
            if (tensor.rank() >= 2) {
                samples = Math.max(samples, tensor.shape()[0]);
            }
        }
        return samples;
    }

    public byte[] encode() {
        WireWriter writer = new WireWriter(1024 + tensors.values().stream().mapToInt(t -> t.size() * 8).sum())
                .magic(MAGIC, VERSION).string(batchId).string(networkId).i32(tensors.size());
        tensors.forEach((name, tensor) -> writer.string(name).tensor(tensor));
        return writer.toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where */
    public static BatchRecord decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "batch record");
        reader.magic(MAGIC, VERSION);
        String batchId = reader.string("batch id");
        String networkId = reader.string("network id");
        int count = reader.count("tensor count", MAX_TENSORS);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = reader.string("tensor " + i + " name");
            if (tensors.containsKey(name)) {
                throw reader.error("tensor name \"" + name + "\" appears twice");
            }
            tensors.put(name, reader.tensor("tensor \"" + name + "\""));
        }
        reader.end();
        return new BatchRecord(batchId, networkId, tensors);
    }
}
