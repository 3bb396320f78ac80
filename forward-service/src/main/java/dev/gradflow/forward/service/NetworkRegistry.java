package dev.gradflow.forward.service;

import dev.gradflow.core.graph.CompiledGraph;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The compiled networks by id, filled from {@code network-definitions}.
 *
 * <p>Definitions and batches travel on different topics, so a batch can overtake its definition (or arrive while
 * the service is still reading the definitions topic after a start). The batch then waits here, in line, until
 * its definition is registered or a timeout passes. Waiting in line rather than setting the batch aside keeps
 * exactly-once processing simple: offsets are committed in order, so nothing behind a waiting batch can be
 * committed past it.
 */
public final class NetworkRegistry {
    private final Map<String, CompiledGraph> networks = new HashMap<>();
    /** The networks whose definitions say {@code "trace": true}: every batch of theirs is traced. */
    private final java.util.Set<String> traced = new java.util.HashSet<>();

    public synchronized void register(String networkId, CompiledGraph graph) {
        register(networkId, graph, false);
    }

    /** @param traces whether the definition asks for every batch to be traced */
    public synchronized void register(String networkId, CompiledGraph graph, boolean traces) {
        networks.put(networkId, graph);
        if (traces) {
            traced.add(networkId);
        } else {
            traced.remove(networkId);
        }
        notifyAll();
    }

    /** Forgets a network (a tombstone on the definitions topic). */
    public synchronized void remove(String networkId) {
        networks.remove(networkId);
        traced.remove(networkId);
    }

    /** Whether the network's definition asks for every batch to be traced. */
    public synchronized boolean traces(String networkId) {
        return traced.contains(networkId);
    }

    public synchronized Optional<CompiledGraph> find(String networkId) {
        return Optional.ofNullable(networks.get(networkId));
    }

    /** The network, waiting up to {@code timeout} for its definition to arrive; empty if it did not. */
    public synchronized Optional<CompiledGraph> await(String networkId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompiledGraph graph = networks.get(networkId);
        while (graph == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
            graph = networks.get(networkId);
        }
        return Optional.of(graph);
    }
}
