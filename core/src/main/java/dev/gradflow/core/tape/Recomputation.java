package dev.gradflow.core.tape;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.ops.Op;
import dev.gradflow.core.ops.OpSet;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Saved activations that cost less to recompute than to ship (activation recomputation, or rematerialisation):
 * which op outputs a tape's writer may send as recipes instead of their values, and the replay its reader runs.
 *
 * <p>A recipe names an op node of the tape; its value is that node's op applied to the values of the node's inputs,
 * which travel as tensors (or recipes) of their own. For 2-64-3 × 300 in float64, the hidden layer's output
 * (300 × 64, 153,600 bytes, 90% of the tape) is 38,400 multiply-adds of a 300 × 2 input by 2 × 64 weights plus 64
 * biases: cheaper to recompute than to send through the broker twice. For 784-256-128-10 × 256 every saved output
 * costs at least 32 multiply-adds a byte to recompute, so nothing is left out.
 *
 * <p>The recomputed value is the op's forward pass on the same input bits, so it is bit-identical to the writer's
 * whenever both run the same kernels (the same {@code gradflow.gemm} and {@code gradflow.blas.threads}, as every
 * gradflow deployment does). Ops that draw random numbers (dropout) are never recomputed: their draw depends on
 * the batch's seed, which a tape does not carry.
 */
public final class Recomputation {
    /** The most elements one recomputed tensor may have; a reader rejects a recipe for more before computing it. */
    public static final int MAX_ELEMENTS = 16_777_216;
    /** The most work (see {@link #work}) a reader spends on the recipes of one tape. */
    public static final long MAX_WORK = 1L << 30;
    /** What a recipe costs on the wire besides its input indices: its node index and its input count. */
    private static final int RECIPE_BYTES = 5;

    private Recomputation() {
    }

    /**
     * The op nodes whose values a writer sends as recipes, in node order.
     *
     * <p>Candidates are the op outputs that some op saved (so they would travel), except the tape's output. A
     * candidate is recomputed when the work to recompute it, and any op outputs no op saved that it needs on the
     * way, is at most {@code maxWorkPerByte} for each byte it takes off the tape (its own bytes, less the leaf values
     * such as biases that must then travel too). Candidates are decided in node order, so a later one can use the
     * recipes and leaf values of earlier ones.
     *
     * @param values every node's value, by node index ({@link ForwardPass.Recorded#values()}): the tensors the tape
     *     saved are these very instances
     * @param maxWorkPerByte multiply-adds (or element operations) worth one byte less on the wire; 0 or less
     *     recomputes nothing
     */
    public static SortedSet<Integer> choose(Tape tape, List<Tensor> values, double maxWorkPerByte) {
        SortedSet<Integer> recipes = new TreeSet<>();
        List<TapeNode> nodes = tape.nodes();
        if (maxWorkPerByte <= 0 || values.size() != nodes.size()) {
            return recipes;
        }
        Map<Tensor, Boolean> travelling = new IdentityHashMap<>();
        for (TapeNode node : nodes) {
            node.saved().forEach(saved -> travelling.put(saved, Boolean.TRUE));
        }
        travelling.put(tape.outputValue(), Boolean.TRUE);
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).kind() != NodeKind.OP || k == tape.output() || !travelling.containsKey(values.get(k))
                    || values.get(k) == tape.outputValue()) {
                continue;
            }
            Attempt attempt = new Attempt(nodes, values, travelling, recipes);
            long work = attempt.cost(k);
            long savedBytes = bytes(values.get(k)) - attempt.leafBytes - (long) RECIPE_BYTES * attempt.recipes.size();
            if (work >= 0 && savedBytes > 0 && work <= maxWorkPerByte * savedBytes) {
                recipes.addAll(attempt.recipes);
                attempt.leaves.forEach(leaf -> travelling.put(leaf, Boolean.TRUE));
            }
        }
        return recipes;
    }

    /** One candidate's recipes and leaf values, tried before they are kept. */
    private static final class Attempt {
        private final List<TapeNode> nodes;
        private final List<Tensor> values;
        private final Map<Tensor, Boolean> travelling;
        private final SortedSet<Integer> chosen;
        final SortedSet<Integer> recipes = new TreeSet<>();
        final List<Tensor> leaves = new ArrayList<>();
        long leafBytes;

        Attempt(List<TapeNode> nodes, List<Tensor> values, Map<Tensor, Boolean> travelling,
                SortedSet<Integer> chosen) {
            this.nodes = nodes;
            this.values = values;
            this.travelling = travelling;
            this.chosen = chosen;
        }

        /** The work to recompute node k's value, or -1 when it cannot be. */
        long cost(int k) {
            TapeNode node = nodes.get(k);
            if (!replayable(node)) {
                return -1;
            }
            recipes.add(k);
            int[][] shapes = new int[node.inputs().length][];
            long work = 0;
            for (int j = 0; j < shapes.length; j++) {
                int input = node.inputs()[j];
                TapeNode source = nodes.get(input);
                Tensor value = values.get(input);
                shapes[j] = source.shape();
                // Sent already (as a tensor or a recipe), or to be sent for an earlier step of this attempt.
                if (chosen.contains(input) || recipes.contains(input) || travelling.containsKey(value)
                        || leaves.stream().anyMatch(leaf -> leaf == value)) {
                    continue;
                }
                if (source.kind() != NodeKind.OP) {
                    leaves.add(value);
                    leafBytes += bytes(value);
                    continue;
                }
                long inputWork = cost(input);
                if (inputWork < 0) {
                    return -1;
                }
                work += inputWork;
            }
            return work + work(node.op(), shapes, node.shape());
        }
    }

    /** Whether a reader can recompute the node's value from its inputs alone. */
    private static boolean replayable(TapeNode node) {
        if (node.kind() != NodeKind.OP) {
            return false;
        }
        try {
            Op op = OpSet.fromTape(node.op(), node.attributes());
            return op.forBatch(1) == op && op.arity() == node.inputs().length;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * What recomputing an op's output costs, in multiply-adds or element operations: for the matrix products
     * ({@code matmul}, {@code dense}) rows × inner × columns plus the output's elements, for every other op the
     * elements it reads and writes.
     */
    public static long work(String op, int[][] inputShapes, int[] outputShape) {
        long work = elements(outputShape);
        if (("matmul".equals(op) || "dense".equals(op)) && inputShapes.length >= 2 && inputShapes[0].length == 2
                && inputShapes[1].length == 2) {
            return work + (long) inputShapes[0][0] * inputShapes[0][1] * inputShapes[1][1];
        }
        for (int[] shape : inputShapes) {
            work += elements(shape);
        }
        return work;
    }

    /**
     * A reader's replay of one recipe: node {@code index}'s op on {@code inputs}, after checking that the recipe
     * fits the node and stays within {@link #MAX_ELEMENTS}.
     *
     * @return the value; the caller adds up the recipes' {@link #work} against {@link #MAX_WORK} first
     * @throws IllegalArgumentException saying why the recipe cannot be replayed
     */
    public static Tensor replay(List<TapeNode> nodes, int index, Tensor[] inputs) {
        if (index >= nodes.size()) {
            throw new IllegalArgumentException("node " + index + " is outside the " + nodes.size() + " nodes");
        }
        TapeNode node = nodes.get(index);
        String which = "node " + index + " (\"" + node.name() + "\")";
        if (node.kind() != NodeKind.OP) {
            throw new IllegalArgumentException(which + " is not an op, so its value cannot be recomputed");
        }
        Op op = OpSet.fromTape(node.op(), node.attributes());
        if (op.forBatch(1) != op) {
            throw new IllegalArgumentException(which + ": op \"" + node.op() + "\" draws random numbers per batch,"
                    + " so its value cannot be recomputed");
        }
        if (inputs.length != node.inputs().length) {
            throw new IllegalArgumentException(which + " has " + node.inputs().length + " inputs, the recipe gives "
                    + inputs.length);
        }
        int[][] shapes = new int[inputs.length][];
        for (int j = 0; j < inputs.length; j++) {
            shapes[j] = inputs[j].shape();
            int[] recorded = nodes.get(node.inputs()[j]).shape();
            if (!Arrays.equals(shapes[j], recorded)) {
                throw new IllegalArgumentException(which + ": input " + j + " has shape " + Shapes.format(shapes[j])
                        + ", the tape records " + Shapes.format(recorded));
            }
        }
        if (elements(node.shape()) > MAX_ELEMENTS) {
            throw new IllegalArgumentException(which + ": " + elements(node.shape()) + " elements, more than "
                    + MAX_ELEMENTS + " may be recomputed");
        }
        int[] shape = op.outputShape(shapes);
        if (!Arrays.equals(shape, node.shape())) {
            throw new IllegalArgumentException(which + ": the op gives shape " + Shapes.format(shape)
                    + ", the tape records " + Shapes.format(node.shape()));
        }
        return op.forward(inputs).output();
    }

    /** Elements of a shape read from the wire, which may be far too many for an int: at most 2^62. */
    private static long elements(int[] shape) {
        long elements = 1;
        for (int dim : shape) {
            long cap = 1L << 62;
            elements = dim <= 0 ? 0 : elements > cap / dim ? cap : elements * dim;
        }
        return elements;
    }

    private static long bytes(Tensor tensor) {
        return (long) tensor.size() * tensor.dtype().bytesPerElement();
    }

    /** An empty plan, for writers that recompute nothing. */
    public static SortedSet<Integer> none() {
        return Collections.emptySortedSet();
    }
}
