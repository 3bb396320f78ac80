package dev.gradflow.core.wire;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.Recomputation;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;

/**
 * The forward pass of one batch: the value of a record on topic {@code tapes}, keyed by batch id. Either a tape,
 * or the reason the forward pass failed (so that a failure still reaches the gradients topic).
 * <pre>
 * 4 bytes  magic "GFTP", 1 byte version (5; versions 1 to 4 are still read)
 * string   batch id, string network id
 * 1 byte   answer topic, the batch's: 0 = gradients, 1 = jobs   (version 3; before: gradients)
 * 1 byte   status: 0 = ok, 1 = failed
 * failed:  string reason;
 *          1 byte traced: 0 = no, 1 = yes, then the graph up to the failing node ({@link TraceCodec})  (version 4)
 * ok:      1 byte dtype; int32 output index;
 *          int32 tensor count, tensor each: every distinct tensor the ops saved, and the output value, once;
 *          int32 recipe count, recipe each: int32 node index, 1 byte input count, int32 table index each (version 5)
 *          int32 index of the output value in the table; int32 node count; then per node:
 *            string name; 1 byte kind (0 input, 1 target, 2 parameter, 3 constant, 4 op);
 *            1 byte rank, int32 dims;
 *            op nodes only: string op; 1 byte attribute count, float64 each;
 *                           1 byte input count, int32 each; 1 byte saved count, int32 tensor index each
 *          1 byte traced: 0 = no, 1 = yes, then per node int32 index of its value in the tensor table  (version 4)
 * </pre>
 * A traced tape (a batch whose picture was asked for) carries every node's value, so that the gradient-service can
 * trace the chain rule; values that ops saved anyway are in the table already and cost only their index.
 * Version 1 wrote each saved tensor in place, so a tensor saved by two ops (a hidden activation saved by its ReLU
 * and by the next matrix product) travelled twice; version 2 writes each once and refers to it by index. Tensors
 * are values, so the decoded tape shares one instance where the encoded one did.
 *
 * <p>The table is the tensors, then the recipes: a recipe stands for the value of an op node, recomputed by the
 * reader from the table entries it names, one per input of the node, each earlier in the table
 * ({@link Recomputation}). A decoded tape holds every saved tensor, recomputed or not.
 *
 * @param batchId the batch this tape answers
 * @param networkId the network it ran
 * @param tape the tape, or null when the forward pass failed
 * @param failure why the forward pass failed, or null
 * @param answerTopic where the gradient-service writes the answer: the batch's choice, carried on
 * @param values every node's value, by index, for a traced batch; null otherwise
 * @param failedTrace for a traced batch whose forward pass failed, the graph up to the failing node; else null
 */
public record TapeRecord(String batchId, String networkId, Tape tape, String failure, AnswerTopic answerTopic,
        List<Tensor> values, ChainRuleTrace failedTrace) {
    static final byte[] MAGIC = {'G', 'F', 'T', 'P'};
    /**
     * Version 2 writes each saved tensor once, in a table, and may hold the op {@code dense} (the fused dense
     * layer). A reader that knows only version 1 rejects such a tape up front ("unsupported version") instead of
     * failing halfway through it.
     */
    static final byte VERSION = 5;
    /** Saved tensors written in place, once per op that saved them, and no dense ops. Still read, never written. */
    private static final byte VERSION_IN_PLACE = 1;
    /** The first version with the answer topic. */
    private static final byte VERSION_WITH_ANSWER_TOPIC = 3;
    /** The first version that may carry node values or a failed trace. */
    private static final byte VERSION_WITH_TRACE = 4;
    /** The first version that may carry recipes. */
    private static final byte VERSION_WITH_RECIPES = 5;
    private static final int MAX_NODES = 1_000_000;
    private static final int MAX_TENSORS = 16_000_000;

    public TapeRecord {
        if ((tape == null) == (failure == null)) {
            throw new IllegalArgumentException("a tape record holds either a tape or a failure");
        }
        Objects.requireNonNull(answerTopic, "answerTopic");
        if (values != null && (tape == null || values.size() != tape.nodes().size())) {
            throw new IllegalArgumentException("node values need a tape, one per node");
        }
        if (failedTrace != null && failure == null) {
            throw new IllegalArgumentException("a failed trace belongs to a failed record");
        }
        values = values == null ? null : List.copyOf(values);
    }

    public TapeRecord(String batchId, String networkId, Tape tape, String failure, AnswerTopic answerTopic) {
        this(batchId, networkId, tape, failure, answerTopic, null, null);
    }

    /** A record answered on {@code gradients}. */
    public TapeRecord(String batchId, String networkId, Tape tape, String failure) {
        this(batchId, networkId, tape, failure, AnswerTopic.GRADIENTS);
    }

    /** The same record, answered on {@code answerTopic}. */
    public TapeRecord answeredOn(AnswerTopic topic) {
        return new TapeRecord(batchId, networkId, tape, failure, topic, values, failedTrace);
    }

    /** The same record, traced: the tape with every node's value. */
    public TapeRecord withValues(List<Tensor> nodeValues) {
        return new TapeRecord(batchId, networkId, tape, failure, answerTopic, nodeValues, failedTrace);
    }

    /** The same failed record, with the graph up to the failing node. */
    public TapeRecord withFailedTrace(ChainRuleTrace trace) {
        return new TapeRecord(batchId, networkId, tape, failure, answerTopic, values, trace);
    }

    /** Whether the batch is traced: its answer will carry a {@link ChainRuleTrace}. */
    public boolean isTraced() {
        return values != null || failedTrace != null;
    }

    public static TapeRecord ok(String batchId, String networkId, Tape tape) {
        return new TapeRecord(batchId, networkId, tape, null);
    }

    public static TapeRecord failed(String batchId, String networkId, String failure) {
        return new TapeRecord(batchId, networkId, null, failure);
    }

    public boolean isFailed() {
        return failure != null;
    }

    /** The record with every saved tensor's value. */
    public byte[] encode() {
        return encode(Recomputation.none(), List.of());
    }

    /**
     * The record with the op outputs that cost at most {@code maxWorkPerByte} to recompute per byte they take off
     * the tape sent as recipes ({@link Recomputation#choose}). A traced or failed record is written whole.
     *
     * @param nodeValues every node's value, by node index, from the forward pass that recorded the tape
     */
    public byte[] encodeRecomputing(List<Tensor> nodeValues, double maxWorkPerByte) {
        if (tape == null || values != null) {
            return encode();
        }
        SortedSet<Integer> recipes = Recomputation.choose(tape, nodeValues, maxWorkPerByte);
        return recipes.isEmpty() ? encode() : encode(recipes, nodeValues);
    }

    private byte[] encode(SortedSet<Integer> recipes, List<Tensor> nodeValues) {
        WireWriter writer = new WireWriter(4096).magic(MAGIC, VERSION).string(batchId).string(networkId)
                .u8(answerTopic.wireCode());
        if (failure != null) {
            writer.u8(1).string(failure);
            if (failedTrace == null) {
                return writer.u8(0).toByteArray();
            }
            TraceCodec.write(writer.u8(1), failedTrace);
            return writer.toByteArray();
        }
        // Each distinct tensor once, by identity: the forward pass saves the very instance it computed, so a
        // tensor two ops saved is one object. Recomputed values are left for the recipes, after every tensor.
        Map<Tensor, Integer> indices = new IdentityHashMap<>();
        Map<Tensor, Integer> recomputed = new IdentityHashMap<>();
        recipes.forEach(node -> recomputed.put(nodeValues.get(node), node));
        List<Tensor> tensors = new ArrayList<>();
        for (TapeNode node : tape.nodes()) {
            for (Tensor saved : node.saved()) {
                if (!recomputed.containsKey(saved)) {
                    addOnce(indices, tensors, saved);
                }
            }
        }
        // The leaf values the recipes read that no op saved (a dense layer's biases).
        for (int node : recipes) {
            for (int input : tape.nodes().get(node).inputs()) {
                Tensor value = nodeValues.get(input);
                if (!recipes.contains(input) && !recomputed.containsKey(value)) {
                    addOnce(indices, tensors, value);
                }
            }
        }
        int outputValue = addOnce(indices, tensors, tape.outputValue());
        if (values != null) {
            for (Tensor value : values) {
                addOnce(indices, tensors, value);
            }
        }
        int tensorCount = tensors.size();
        int nextRecipe = tensorCount;
        for (int node : recipes) {
            indices.put(nodeValues.get(node), nextRecipe++);
        }
        writer.u8(0).u8(tape.dtype().wireCode()).i32(tape.output()).i32(tensorCount);
        tensors.forEach(writer::tensor);
        writer.i32(recipes.size());
        for (int node : recipes) {
            int own = indices.get(nodeValues.get(node));
            int[] inputs = tape.nodes().get(node).inputs();
            writer.i32(node).u8(inputs.length);
            for (int input : inputs) {
                Integer index = indices.get(nodeValues.get(input));
                if (index == null || index >= own) {
                    // Only an op that returned another node's very instance could cause this; send it whole.
                    return encode();
                }
                writer.i32(index);
            }
        }
        writer.i32(outputValue).i32(tape.nodes().size());
        for (TapeNode node : tape.nodes()) {
            writer.string(node.name()).u8(node.kind().ordinal()).u8(node.shape().length);
            for (int dim : node.shape()) {
                writer.i32(dim);
            }
            if (node.kind() == NodeKind.OP) {
                writer.string(node.op()).u8(node.attributes().length);
                for (double attribute : node.attributes()) {
                    writer.f64(attribute);
                }
                writer.u8(node.inputs().length);
                for (int input : node.inputs()) {
                    writer.i32(input);
                }
                writer.u8(node.saved().size());
                for (Tensor saved : node.saved()) {
                    writer.i32(indices.get(saved));
                }
            }
        }
        if (values == null) {
            return writer.u8(0).toByteArray();
        }
        writer.u8(1);
        values.forEach(value -> writer.i32(indices.get(value)));
        return writer.toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where */
    public static TapeRecord decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "tape record");
        int version = reader.magic(MAGIC, VERSION_IN_PLACE, VERSION);
        boolean inPlace = version == VERSION_IN_PLACE;
        String batchId = reader.string("batch id");
        String networkId = reader.string("network id");
        AnswerTopic answerTopic = version >= VERSION_WITH_ANSWER_TOPIC ? AnswerTopic.read(reader)
                : AnswerTopic.GRADIENTS;
        int status = reader.u8("status");
        if (status == 1) {
            String failure = reader.string("failure reason");
            ChainRuleTrace trace = version >= VERSION_WITH_TRACE && traced(reader) ? TraceCodec.read(reader) : null;
            reader.end();
            return failed(batchId, networkId, failure).answeredOn(answerTopic).withFailedTrace(trace);
        }
        if (status != 0) {
            throw reader.error("status " + status + " is neither 0 (ok) nor 1 (failed)");
        }
        DType dtype;
        try {
            dtype = DType.fromWireCode((byte) reader.u8("dtype"));
        } catch (IllegalArgumentException e) {
            throw reader.error(e.getMessage());
        }
        int output = reader.count("output index", MAX_NODES);
        // The table: tensors, then recipes, whose slots stay null until they are replayed after the nodes.
        List<Tensor> tensors = new ArrayList<>();
        int[] recipeNodes = new int[0];
        int[][] recipeInputs = new int[0][];
        int outputValueIndex = -1;
        if (!inPlace) {
            int tensorCount = reader.count("tensor count", MAX_TENSORS);
            for (int t = 0; t < tensorCount; t++) {
                tensors.add(reader.tensor("tensor " + t));
            }
            if (version >= VERSION_WITH_RECIPES) {
                int recipeCount = reader.count("recipe count", MAX_TENSORS - tensorCount);
                recipeNodes = new int[recipeCount];
                recipeInputs = new int[recipeCount][];
                for (int r = 0; r < recipeCount; r++) {
                    String field = "recipe " + r;
                    recipeNodes[r] = reader.count(field + " node", MAX_NODES);
                    recipeInputs[r] = new int[reader.u8(field + " input count")];
                    for (int j = 0; j < recipeInputs[r].length; j++) {
                        recipeInputs[r][j] = tensorIndex(reader, field + " input " + j, tensors.size());
                    }
                    tensors.add(null);
                }
            }
            if (tensors.isEmpty()) {
                throw reader.error("the tape holds no tensors, so no output value");
            }
            outputValueIndex = tensorIndex(reader, "output value", tensors.size());
        }
        int count = reader.count("node count", MAX_NODES);
        List<TapeNode> nodes = new ArrayList<>();
        int[][] savedIndices = new int[count][];
        NodeKind[] kinds = NodeKind.values();
        for (int i = 0; i < count; i++) {
            String field = "node " + i;
            String name = reader.string(field + " name");
            int kindCode = reader.u8(field + " kind");
            if (kindCode >= kinds.length) {
                throw reader.error(field + ": unknown kind " + kindCode);
            }
            int rank = reader.u8(field + " rank");
            if (rank > Shapes.MAX_RANK) {
                throw reader.error(field + ": rank " + rank + " exceeds the maximum " + Shapes.MAX_RANK);
            }
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = reader.count(field + " dimension " + d, Integer.MAX_VALUE);
            }
            NodeKind kind = kinds[kindCode];
            if (kind != NodeKind.OP) {
                nodes.add(TapeNode.leaf(name, kind, shape));
                continue;
            }
            String op = reader.string(field + " op");
            double[] attributes = new double[reader.u8(field + " attribute count")];
            for (int a = 0; a < attributes.length; a++) {
                attributes[a] = reader.f64(field + " attribute " + a);
            }
            int[] inputs = new int[reader.u8(field + " input count")];
            for (int j = 0; j < inputs.length; j++) {
                inputs[j] = reader.count(field + " input " + j, MAX_NODES);
            }
            savedIndices[i] = new int[reader.u8(field + " saved count")];
            for (int s = 0; s < savedIndices[i].length; s++) {
                if (inPlace) {
                    tensors.add(reader.tensor(field + " saved " + s));
                    savedIndices[i][s] = tensors.size() - 1;
                } else {
                    savedIndices[i][s] = tensorIndex(reader, field + " saved " + s, tensors.size());
                }
            }
            nodes.add(new TapeNode(name, kind, shape, op, attributes, inputs, List.of()));
        }
        int recipesFrom = tensors.size() - recipeNodes.length;
        Tensor outputValue = inPlace ? reader.tensor("output value") : null;
        int[] valueIndices = null;
        if (version >= VERSION_WITH_TRACE && traced(reader)) {
            valueIndices = new int[count];
            for (int i = 0; i < count; i++) {
                valueIndices[i] = tensorIndex(reader, "node " + i + " value", tensors.size());
            }
        }
        reader.end();
        // Every byte is read and checked before any recipe is computed.
        replay(tensors, recipesFrom, recipeNodes, recipeInputs, nodes);
        for (int i = 0; i < count; i++) {
            if (savedIndices[i] != null) {
                TapeNode node = nodes.get(i);
                List<Tensor> saved = new ArrayList<>(savedIndices[i].length);
                for (int index : savedIndices[i]) {
                    saved.add(tensors.get(index));
                }
                nodes.set(i, new TapeNode(node.name(), node.kind(), node.shape(), node.op(), node.attributes(),
                        node.inputs(), saved));
            }
        }
        if (!inPlace) {
            outputValue = tensors.get(outputValueIndex);
        }
        List<Tensor> values = null;
        if (valueIndices != null) {
            values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Tensor value = tensors.get(valueIndices[i]);
                if (!java.util.Arrays.equals(value.shape(), nodes.get(i).shape())) {
                    throw new WireFormatException("tape record: node " + i + " value: shape "
                            + Shapes.format(value.shape()) + " is not the node's "
                            + Shapes.format(nodes.get(i).shape()));
                }
                values.add(value);
            }
        }
        if (output >= count) {
            throw new WireFormatException("tape record: output index " + output + " is outside the " + count
                    + " nodes");
        }
        return ok(batchId, networkId, new Tape(dtype, nodes, output, outputValue)).answeredOn(answerTopic)
                .withValues(values);
    }

    /**
     * Fills the table's recipe slots, in table order (each reads only earlier entries), within
     * {@link Recomputation#MAX_WORK}.
     *
     * @param first the table index of the first recipe
     */
    private static void replay(List<Tensor> table, int first, int[] recipeNodes, int[][] recipeInputs,
            List<TapeNode> nodes) {
        long work = 0;
        for (int r = 0; r < recipeNodes.length; r++) {
            Tensor[] inputs = new Tensor[recipeInputs[r].length];
            int[][] shapes = new int[inputs.length][];
            for (int j = 0; j < inputs.length; j++) {
                inputs[j] = table.get(recipeInputs[r][j]);
                shapes[j] = inputs[j].shape();
            }
            try {
                if (recipeNodes[r] < nodes.size()) {
                    TapeNode node = nodes.get(recipeNodes[r]);
                    work += Recomputation.work(node.op(), shapes, node.shape());
                    if (work > Recomputation.MAX_WORK) {
                        throw new IllegalArgumentException("the recipes need more than " + Recomputation.MAX_WORK
                                + " operations to recompute");
                    }
                }
                table.set(first + r, Recomputation.replay(nodes, recipeNodes[r], inputs));
            } catch (RuntimeException e) {
                throw new WireFormatException("tape record: recipe " + r + " (tensor " + (first + r) + "): "
                        + e.getMessage());
            }
        }
    }

    /** The table index of a tensor, appending it to the table the first time it is met (by identity). */
    private static int addOnce(Map<Tensor, Integer> indices, List<Tensor> tensors, Tensor tensor) {
        return indices.computeIfAbsent(tensor, added -> {
            tensors.add(added);
            return tensors.size() - 1;
        });
    }

    private static boolean traced(WireReader reader) {
        int traced = reader.u8("traced");
        if (traced > 1) {
            throw reader.error("traced flag " + traced + " is neither 0 nor 1");
        }
        return traced == 1;
    }

    private static int tensorIndex(WireReader reader, String field, int tensorCount) {
        int index = reader.count(field + " tensor index", Integer.MAX_VALUE);
        if (index >= tensorCount) {
            throw reader.error(field + ": tensor index " + index + " is outside the " + tensorCount + " tensors");
        }
        return index;
    }
}
