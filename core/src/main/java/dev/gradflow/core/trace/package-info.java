/**
 * The chain rule made visible: a batch's graph with every node's value and gradient, and on every edge the local
 * derivative, the upstream gradient and the contribution that flows into the input (their product, for scalars).
 */
package dev.gradflow.core.trace;
