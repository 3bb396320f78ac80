/**
 * Dense, row-major tensors and the shape rules every op shares.
 *
 * <p>A {@link dev.gradflow.core.tensor.Tensor} is an immutable-by-convention value: ops never write into their
 * inputs, so the forward pass can record the very objects it computed on the tape without copying them.
 *
 * <p><b>Storage</b> follows the dtype: {@code double[]} for float64, {@code float[]} for float32, end to end (ops,
 * matrix products, the tape and the wire). How float32 arithmetic is defined is stated on
 * {@link dev.gradflow.core.tensor.Tensor}.
 *
 * <p><b>Broadcasting</b> follows NumPy's rule, and only the elementwise binary ops (add, sub, mul, div, max) use
 * it: shapes are aligned on their last dimension; two aligned dimensions are compatible when they are equal or one
 * of them is 1; a missing leading dimension counts as 1. The gradient flowing back to a broadcast input is the sum
 * of the output gradient over every axis that input was stretched along ({@link
 * dev.gradflow.core.tensor.Broadcast#reduceTo}), so it always has the input's own shape. Every other op states its
 * shape rule in its own Javadoc and broadcasts nothing.
 */
package dev.gradflow.core.tensor;
