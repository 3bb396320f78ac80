/**
 * Property-based tests (jqwik): every op, randomly generated expression graphs and randomly generated layer lists,
 * each differentiated by the backward pass and checked against five-point central differences of the forward pass
 * in float64, and the same definitions run in float32 checked against their float64 results.
 *
 * <p>{@link dev.gradflow.core.properties.Harness} holds the shared checks and their tolerances;
 * {@link dev.gradflow.core.properties.RandomGraphs} and {@link dev.gradflow.core.properties.RandomNetworks} the
 * generators that more than one test class uses. Every generated sample prints as the definition JSON and the
 * batch JSON, so a failure jqwik reports can be replayed through the public API (or the services) as it stands.
 */
package dev.gradflow.core.properties;
