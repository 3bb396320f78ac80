package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A batch to run through a network: the value of a record on topic {@code batches}.
 * <pre>
 * 4 bytes  magic "GFBA", 1 byte version (3; versions 1 and 2 are still read)
 * string   batch id           (string = int32 byte length, then UTF-8)
 * string   network id
 * int64    seed of the batch's random draws              (version 2; version 1: {@link #seedOf} the batch id)
 * 1 byte   answer topic: 0 = gradients, 1 = jobs          (version 2; version 1: gradients)
 * 1 byte   trace: 0 = auto, 1 = always, 2 = never          (version 3; before: auto)
 * int32    number of tensors, then for each: string name, tensor (see {@link TensorCodec})
 * int32    number of parameters, then for each: string name, tensor   (version 2; version 1: none)
 * </pre>
 *
 * @param batchId chosen by the submitter, unique per batch
 * @param networkId the registered network to run
 * @param seed the seed of the batch's random draws (dropout masks); a redelivered batch draws the same masks
 * @param answerTopic where the gradient-service writes the answer
 * @param trace whether the answer carries the batch's trace ({@link TraceRequest})
 * @param tensors one per input and target of the network, by name
 * @param parameters empty to run with the definition's parameters, or a value for every parameter of the network
 *     (a training job's current parameters), which the batch then runs with instead
 */
public record BatchRecord(String batchId, String networkId, long seed, AnswerTopic answerTopic, TraceRequest trace,
        Map<String, Tensor> tensors, Map<String, Tensor> parameters) {
    static final byte[] MAGIC = {'G', 'F', 'B', 'A'};
    static final byte VERSION = 3;
    /** No seed, answer topic or parameters. Still read, never written. */
    private static final byte VERSION_WITHOUT_PARAMETERS = 1;
    /** The first version with the trace request. */
    private static final byte VERSION_WITH_TRACE = 3;
    private static final int MAX_TENSORS = 10_000;
    private static final int MAX_PARAMETERS = 1_000_000;

    public BatchRecord {
        Objects.requireNonNull(answerTopic, "answerTopic");
        Objects.requireNonNull(trace, "trace");
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A batch traced by default ({@link TraceRequest#AUTO}). */
    public BatchRecord(String batchId, String networkId, long seed, AnswerTopic answerTopic,
            Map<String, Tensor> tensors, Map<String, Tensor> parameters) {
        this(batchId, networkId, seed, answerTopic, TraceRequest.AUTO, tensors, parameters);
    }

    /** A batch as a client sends it: seeded by its id, answered on {@code gradients}, the definition's parameters. */
    public BatchRecord(String batchId, String networkId, Map<String, Tensor> tensors) {
        this(batchId, networkId, seedOf(batchId), AnswerTopic.GRADIENTS, tensors, Map.of());
    }

    /** The same batch, traced as {@code request} says. */
    public BatchRecord traced(TraceRequest request) {
        return new BatchRecord(batchId, networkId, seed, answerTopic, request, tensors, parameters);
    }

    /**
     * The seed of a client's batch: FNV-1a over the UTF-8 bytes of the batch id. It is a function of the id alone,
     * so a redelivered or replayed batch draws the same masks and gets bit-identical gradients, on any JVM.
     */
    public static long seedOf(String batchId) {
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
        WireWriter writer = new WireWriter(1024)
                .magic(MAGIC, VERSION).string(batchId).string(networkId).i64(seed).u8(answerTopic.wireCode())
                .u8(trace.wireCode()).i32(tensors.size());
        tensors.forEach((name, tensor) -> writer.string(name).tensor(tensor));
        writer.i32(parameters.size());
        parameters.forEach((name, tensor) -> writer.string(name).tensor(tensor));
        return writer.toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where */
    public static BatchRecord decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "batch record");
        int version = reader.magic(MAGIC, VERSION_WITHOUT_PARAMETERS, VERSION);
        boolean withParameters = version > VERSION_WITHOUT_PARAMETERS;
        String batchId = reader.string("batch id");
        String networkId = reader.string("network id");
        long seed = withParameters ? reader.i64("seed") : seedOf(batchId);
        AnswerTopic answerTopic = withParameters ? AnswerTopic.read(reader) : AnswerTopic.GRADIENTS;
        TraceRequest trace = version >= VERSION_WITH_TRACE ? TraceRequest.read(reader) : TraceRequest.AUTO;
        Map<String, Tensor> tensors = named(reader, "tensor", MAX_TENSORS);
        Map<String, Tensor> parameters = withParameters ? named(reader, "parameter", MAX_PARAMETERS) : Map.of();
        reader.end();
        return new BatchRecord(batchId, networkId, seed, answerTopic, trace, tensors, parameters);
    }

    private static Map<String, Tensor> named(WireReader reader, String what, int max) {
        int count = reader.count(what + " count", max);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = reader.string(what + " " + i + " name");
            if (tensors.containsKey(name)) {
                throw reader.error(what + " name \"" + name + "\" appears twice");
            }
            tensors.put(name, reader.tensor(what + " \"" + name + "\""));
        }
        return tensors;
    }
}
