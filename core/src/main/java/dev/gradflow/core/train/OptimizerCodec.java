package dev.gradflow.core.train;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.TensorCodec;
import dev.gradflow.core.wire.WireFormatException;
import dev.gradflow.core.wire.WireReader;
import dev.gradflow.core.wire.WireWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary records for what a training job persists between steps, in the conventions of {@code docs/wire-format.md}:
 * a four-byte magic and a version byte, big-endian integers, strings as an {@code int32} byte length and UTF-8,
 * tensors as {@link TensorCodec} writes them. A reader rejects an unknown magic or version, checks every length
 * before allocating and rejects trailing bytes.
 *
 * <p>The optimizer's configuration:
 * <pre>
 * 4 bytes  magic "GFOP", 1 byte version (1)
 * string   type: sgd, adagrad, rmsprop or adam
 * 1 byte   option count n, then n times: string option name, float64 value
 * </pre>
 * Writers write every option of the type ({@link Optimizer#options()}), and readers require every one, so a job's
 * configuration never changes because a default did.
 *
 * <p>The optimizer's state:
 * <pre>
 * 4 bytes  magic "GFOS", 1 byte version (1)
 * int64    iterations: full steps taken, at least 0
 * int32    parameter count, then per parameter:
 *            string name; 1 byte slot count, then per slot: string slot name, tensor
 * </pre>
 * Tensors keep their dtype and every bit, so a state read back continues exactly where it was written.
 */
public final class OptimizerCodec {
    static final byte[] OPTIMIZER_MAGIC = {'G', 'F', 'O', 'P'};
    static final byte[] STATE_MAGIC = {'G', 'F', 'O', 'S'};
    static final byte VERSION = 1;
    private static final int MAX_PARAMETERS = 1_000_000;

    private OptimizerCodec() {
    }

    public static byte[] encodeOptimizer(Optimizer optimizer) {
        Map<String, Double> options = optimizer.options();
        WireWriter writer = new WireWriter(256).magic(OPTIMIZER_MAGIC, VERSION).string(optimizer.type())
                .u8(options.size());
        options.forEach((name, value) -> writer.string(name).f64(value));
        return writer.toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where, including an option out of its range */
    public static Optimizer decodeOptimizer(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "optimizer configuration");
        reader.magic(OPTIMIZER_MAGIC, VERSION);
        String type = reader.string("type");
        if (!OptimizerParser.TYPES.contains(type)) {
            throw reader.error("unknown optimizer type \"" + type + "\", expected one of " + OptimizerParser.TYPES);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("type", type);
        int count = reader.u8("option count");
        for (int i = 0; i < count; i++) {
            String name = reader.string("option " + i + " name");
            double value = reader.f64("option \"" + name + "\" value");
            if (tree.put(name, value) != null) {
                throw reader.error("option \"" + name + "\" appears twice");
            }
        }
        reader.end();
        Map<String, Double> expected = OptimizerParser.defaults(type).options();
        for (String name : expected.keySet()) {
            if (!tree.containsKey(name)) {
                throw new WireFormatException("optimizer configuration: " + type + " needs every option "
                        + expected.keySet() + ", \"" + name + "\" is missing");
            }
        }
        try {
            return OptimizerParser.parse(tree);
        } catch (DefinitionException e) {
            throw new WireFormatException("optimizer configuration: " + e.getMessage());
        }
    }

    public static byte[] encodeState(OptimizerState state) {
        WireWriter writer = new WireWriter(256).magic(STATE_MAGIC, VERSION).i64(state.iterations())
                .i32(state.slots().size());
        state.slots().forEach((parameter, slots) -> {
            writer.string(parameter).u8(slots.size());
            slots.forEach((slot, tensor) -> writer.string(slot).tensor(tensor));
        });
        return writer.toByteArray();
    }

    /** @throws WireFormatException saying what is wrong and where */
    public static OptimizerState decodeState(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "optimizer state");
        reader.magic(STATE_MAGIC, VERSION);
        long iterations = reader.i64("iterations");
        if (iterations < 0) {
            throw reader.error("iterations " + iterations + " is negative");
        }
        int parameters = reader.count("parameter count", MAX_PARAMETERS);
        Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
        for (int p = 0; p < parameters; p++) {
            String parameter = reader.string("parameter " + p + " name");
            if (slots.containsKey(parameter)) {
                throw reader.error("parameter \"" + parameter + "\" appears twice");
            }
            int count = reader.u8("slot count of \"" + parameter + "\"");
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (int k = 0; k < count; k++) {
                String slot = reader.string("slot " + k + " name of \"" + parameter + "\"");
                if (named.containsKey(slot)) {
                    throw reader.error("slot \"" + slot + "\" of \"" + parameter + "\" appears twice");
                }
                named.put(slot, reader.tensor("slot \"" + slot + "\" of \"" + parameter + "\""));
            }
            slots.put(parameter, named);
        }
        reader.end();
        return new OptimizerState(iterations, slots);
    }
}
