/**
 * The closed op set. Each op is one small type holding its forward and its backward side by side: {@code forward}
 * computes the output and names exactly the tensors the backward rule needs (they are recorded on the tape);
 * {@code backward} turns the output gradient into one gradient per input ({@code null} for an input that is not
 * differentiable, such as class-id targets).
 *
 * <p>Ops never modify their inputs. {@link dev.gradflow.core.ops.OpSet} maps the wire names to the ops and is the
 * only way a name becomes an op, so an unknown name fails loudly everywhere.
 */
package dev.gradflow.core.ops;
