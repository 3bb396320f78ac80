package dev.gradflow.core.wire;

import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer for one batch: the value of a record on topic {@code gradients}, keyed by network id. Either the
 * output value with the gradient for every parameter and input, or the reason there is none.
 * <pre>
 * 4 bytes  magic "GFGR", 1 byte version (3; versions 1 and 2 are still read)
 * string   batch id, string network id
 * 1 byte   status: 0 = ok, 1 = failed
 * failed:  string reason
 * ok:      tensor output value;
 *          int32 parameter count, then per parameter: string name, tensor gradient;
 *          int32 input count, then per input: string name, tensor gradient;
 *          int32 rows the network classified correctly, −1 without a categorical loss   (version 2; before: −1)
 * then, both: 1 byte traced: 0 = no, 1 = yes, then the trace ({@link TraceCodec})          (version 3; before: no)
 * </pre>
 *
 * @param batchId the batch this answers
 * @param networkId the network that ran
 * @param gradients the result, or null when the batch failed
 * @param failure why the batch failed, or null
 * @param correct for a network with a categorical loss, the rows whose most probable class is the target class (what
 *     a job's accuracy counts); −1 otherwise, and for a failed batch
 * @param trace every node's value and gradient and every edge's share of the chain rule, for a traced batch (up to
 *     the failing node for a batch whose forward pass failed); null otherwise
 */
public record GradientRecord(String batchId, String networkId, GradientSet gradients, String failure, int correct,
        ChainRuleTrace trace) {
    static final byte[] MAGIC = {'G', 'F', 'G', 'R'};
    static final byte VERSION = 3;
    /** No count of correct rows. Still read, never written. */
    private static final byte VERSION_WITHOUT_CORRECT = 1;
    /** The first version that may carry a trace. */
    private static final byte VERSION_WITH_TRACE = 3;
    private static final int MAX_TENSORS = 1_000_000;

    public GradientRecord {
        if ((gradients == null) == (failure == null)) {
            throw new IllegalArgumentException("a gradient record holds either gradients or a failure");
        }
        if (correct < -1 || (failure != null && correct != -1)) {
            throw new IllegalArgumentException("correct rows must be -1 or a count, and -1 for a failure: " + correct);
        }
    }

    public GradientRecord(String batchId, String networkId, GradientSet gradients, String failure, int correct) {
        this(batchId, networkId, gradients, failure, correct, null);
    }

    public static GradientRecord ok(String batchId, String networkId, GradientSet gradients) {
        return new GradientRecord(batchId, networkId, gradients, null, -1);
    }

    /** An answer that also counts the rows classified correctly. */
    public static GradientRecord ok(String batchId, String networkId, GradientSet gradients, int correct) {
        return new GradientRecord(batchId, networkId, gradients, null, correct);
    }

    public static GradientRecord failed(String batchId, String networkId, String failure) {
        return new GradientRecord(batchId, networkId, null, failure, -1);
    }

    /** The same answer with the batch's trace. */
    public GradientRecord withTrace(ChainRuleTrace batchTrace) {
        return new GradientRecord(batchId, networkId, gradients, failure, correct, batchTrace);
    }

    public boolean isFailed() {
        return failure != null;
    }

    public byte[] encode() {
        WireWriter writer = new WireWriter(4096).magic(MAGIC, VERSION).string(batchId).string(networkId);
        if (failure != null) {
            writer.u8(1).string(failure);
        } else {
            writer.u8(0).tensor(gradients.output()).i32(gradients.parameters().size());
            gradients.parameters().forEach((name, tensor) -> writer.string(name).tensor(tensor));
            writer.i32(gradients.inputs().size());
            gradients.inputs().forEach((name, tensor) -> writer.string(name).tensor(tensor));
            writer.i32(correct);
        }
        if (trace == null) {
            return writer.u8(0).toByteArray();
        }
        TraceCodec.write(writer.u8(1), trace);
        return writer.toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where */
    public static GradientRecord decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "gradient record");
        int version = reader.magic(MAGIC, VERSION_WITHOUT_CORRECT, VERSION);
        boolean withCorrect = version > VERSION_WITHOUT_CORRECT;
        String batchId = reader.string("batch id");
        String networkId = reader.string("network id");
        int status = reader.u8("status");
        if (status == 1) {
            String failure = reader.string("failure reason");
            ChainRuleTrace trace = version >= VERSION_WITH_TRACE ? trace(reader) : null;
            reader.end();
            return failed(batchId, networkId, failure).withTrace(trace);
        }
        if (status != 0) {
            throw reader.error("status " + status + " is neither 0 (ok) nor 1 (failed)");
        }
        Tensor output = reader.tensor("output value");
        Map<String, Tensor> parameters = named(reader, "parameter");
        Map<String, Tensor> inputs = named(reader, "input");
        int correct = withCorrect ? reader.i32("correct rows") : -1;
        if (correct < -1) {
            throw reader.error("correct rows " + correct + " is neither -1 nor a count");
        }
        ChainRuleTrace trace = version >= VERSION_WITH_TRACE ? trace(reader) : null;
        reader.end();
        return ok(batchId, networkId, new GradientSet(output, parameters, inputs), correct).withTrace(trace);
    }

    private static ChainRuleTrace trace(WireReader reader) {
        int traced = reader.u8("traced");
        if (traced > 1) {
            throw reader.error("traced flag " + traced + " is neither 0 nor 1");
        }
        return traced == 1 ? TraceCodec.read(reader) : null;
    }

    private static Map<String, Tensor> named(WireReader reader, String what) {
        int count = reader.count(what + " count", MAX_TENSORS);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = reader.string(what + " " + i + " name");
            tensors.put(name, reader.tensor(what + " \"" + name + "\" gradient"));
        }
        return tensors;
    }
}
