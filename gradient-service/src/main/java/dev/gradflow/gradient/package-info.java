/**
 * The gradient-service: a thin Kafka adapter around the core's backward pass. It reads each tape from
 * {@code tapes}, runs reverse-mode differentiation over the tape alone and publishes the output value with the
 * gradient of every parameter and input (or the reason there is none) to {@code gradients}.
 */
package dev.gradflow.gradient;
