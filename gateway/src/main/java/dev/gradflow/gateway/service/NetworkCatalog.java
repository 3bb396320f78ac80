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
    /** A network as registered: compiled, and the definition it was compiled from, which a job inlines. */
    private record Entry(CompiledGraph graph, Map<String, Object> definition) {
    }

    private final Map<String, Entry> networks = new ConcurrentHashMap<>();

    /**
     * @param definition the definition as parsed JSON, kept so that a job on this network can carry it inline
     */
    @SuppressWarnings("unchecked")
    public void put(String networkId, CompiledGraph graph, Object definition) {
        networks.put(networkId, new Entry(graph, (Map<String, Object>) definition));
    }

    public void remove(String networkId) {
        networks.remove(networkId);
    }

    public Optional<CompiledGraph> find(String networkId) {
        return Optional.ofNullable(networks.get(networkId)).map(Entry::graph);
    }

    /** The definition a network was registered with, as parsed JSON. */
    public Optional<Map<String, Object>> definition(String networkId) {
        return Optional.ofNullable(networks.get(networkId)).map(Entry::definition);
    }
}
