/**
 * The forward-service: a thin Kafka adapter around the core's forward pass. It keeps the compiled networks it has
 * seen on {@code network-definitions}, runs each record of {@code batches} through its network and publishes the
 * recorded tape (or the reason there is none) to {@code tapes}.
 */
package dev.gradflow.forward;
