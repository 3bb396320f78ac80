/**
 * The forward pass that records a tape, and the backward pass that runs over a tape alone.
 *
 * <p>A {@link dev.gradflow.core.tape.Tape} lists every node in execution order (so each node comes after its
 * inputs) with its shape, and for each op: its name, its attributes, its input indices and exactly the tensors its
 * backward rule needs. Leaf values are not on the tape: nothing downstream needs them unless an op saved them.
 *
 * <p>{@link dev.gradflow.core.tape.BackwardPass} walks the tape in reverse, which is a reverse topological order,
 * in a plain loop (no recursion, so depth is unbounded), seeds the output gradient with 1 and accumulates every
 * contribution to a node, so a value used twice receives the sum of both paths.
 */
package dev.gradflow.core.tape;
