/**
 * The closed op set. Each op is one small type holding its forward and its backward side by side: {@code forward}
 * computes the output and names exactly the tensors the backward rule needs (they are recorded on the tape);
 * {@code backward} turns the output gradient into one gradient per input ({@code null} for an input that is not
 * differentiable, such as class-id targets).
 *
 * <p>Kernels are plain loops, one per dtype ({@code double[]} and {@code float[]}), with no call per element.
 * {@link dev.gradflow.core.ops.Dense} fuses a dense layer ({@code f(X·W + b)}) into one op whose values and
 * gradients are bit-identical to the {@code matmul}, {@code add} and activation ops it replaces.
 *
 * <p>Ops never modify their inputs. Only arrays that are not yet, and never become, tensors are written in place:
 * an op's own fresh output before it is wrapped, and per-thread scratch (the dense op's activation gradient). {@link dev.gradflow.core.ops.OpSet} maps the wire names to the ops and is the
 * only way a name becomes an op, so an unknown name fails loudly everywhere.
 */
package dev.gradflow.core.ops;
