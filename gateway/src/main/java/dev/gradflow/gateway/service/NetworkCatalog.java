package dev.gradflow.gateway.service;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.gateway.tenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The networks this gateway can accept batches for: those it registered itself and every one it has read from
 * {@code network-definitions}, which includes networks registered through other gateways or by other producers.
 * Each has the owner its latest definition names ({@code gradflow-tenant} header), or none; a batch belongs to its
 * network's owner.
 */
@ApplicationScoped
public class NetworkCatalog {
    /** A network as registered: compiled, the definition it was compiled from (a job inlines it), its tenant. */
    private record Entry(CompiledGraph graph, Map<String, Object> definition, String owner) {
    }

    private final Map<String, Entry> networks = new ConcurrentHashMap<>();

    /**
     * @param definition the definition as parsed JSON, kept so that a job on this network can carry it inline
     * @param owner the tenant the definition names, or null
     */
    @SuppressWarnings("unchecked")
    public void put(String networkId, CompiledGraph graph, Object definition, String owner) {
        networks.put(networkId, new Entry(graph, (Map<String, Object>) definition, owner));
    }

    public void remove(String networkId) {
        networks.remove(networkId);
    }

    /** The network, if it is the caller's; another tenant's is as unknown as one never registered. */
    public Optional<CompiledGraph> find(String networkId, Caller caller) {
        return visible(networkId, caller).map(Entry::graph);
    }

    /** The definition a network of the caller's was registered with, as parsed JSON. */
    public Optional<Map<String, Object>> definition(String networkId, Caller caller) {
        return visible(networkId, caller).map(Entry::definition);
    }

    /**
     * The definition of a network whatever its owner: only for drawing a batch that was already found to be the
     * caller's, whose network is the same tenant's.
     */
    Optional<Map<String, Object>> definitionOfVisibleBatch(String networkId) {
        return Optional.ofNullable(networks.get(networkId)).map(Entry::definition);
    }

    /** The tenant a network belongs to; null for a network that names none, or that this gateway does not know. */
    public String owner(String networkId) {
        Entry entry = networks.get(networkId);
        return entry == null ? null : entry.owner();
    }

    private Optional<Entry> visible(String networkId, Caller caller) {
        return Optional.ofNullable(networks.get(networkId)).filter(entry -> caller.owns(entry.owner()));
    }
}
