package dev.gradflow.gateway.service;

import dev.gradflow.core.graph.CompiledGraph;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The networks this gateway can accept batches for: those it registered itself and every one it has read from
 * {@code network-definitions}, which includes networks registered through other gateways or by other producers.
 */
@ApplicationScoped
public class NetworkCatalog {
    private final Map<String, CompiledGraph> networks = new ConcurrentHashMap<>();

    public void put(String networkId, CompiledGraph graph) {
        networks.put(networkId, graph);
    }

    public void remove(String networkId) {
        networks.remove(networkId);
    }

    public Optional<CompiledGraph> find(String networkId) {
        return Optional.ofNullable(networks.get(networkId));
    }
}
