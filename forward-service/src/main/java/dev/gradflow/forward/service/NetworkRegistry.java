package dev.gradflow.forward.service;

import dev.gradflow.core.graph.CompiledGraph;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compiled networks by id, and the batches that arrived before their network did.
 *
 * <p>Definitions and batches travel on different topics, so a batch can overtake its definition (or arrive while
 * the service is still reading the definitions topic after a restart). Such a batch is parked here, in arrival
 * order, until its definition is registered; it is never dropped: when the wait is too long or too many batches
 * wait, the caller answers the batch with a failure instead.
 *
 * @param <B> the parked batch, opaque here (the service keeps the unacknowledged Kafka message in it)
 */
public final class NetworkRegistry<B> {
    private final Map<String, CompiledGraph> networks = new HashMap<>();
    private final Map<String, List<Parked<B>>> parked = new HashMap<>();
    private final int maxParked;
    private final Clock clock;
    private int parkedCount;

    /** A batch waiting for network {@code networkId} since {@code since}. */
    public record Parked<B>(String networkId, B batch, Instant since) {
    }

    public NetworkRegistry(int maxParked, Clock clock) {
        this.maxParked = maxParked;
        this.clock = clock;
    }

    /** Registers a network and hands back, in arrival order, the batches that were waiting for it. */
    public synchronized List<B> register(String networkId, CompiledGraph graph) {
        networks.put(networkId, graph);
        List<Parked<B>> waiting = parked.remove(networkId);
        if (waiting == null) {
            return List.of();
        }
        parkedCount -= waiting.size();
        return waiting.stream().map(Parked::batch).toList();
    }

    /** Forgets a network (a tombstone on the definitions topic). */
    public synchronized void remove(String networkId) {
        networks.remove(networkId);
    }

    public synchronized Optional<CompiledGraph> find(String networkId) {
        return Optional.ofNullable(networks.get(networkId));
    }

    /**
     * Returns the network if it is known; otherwise parks the batch and returns empty.
     *
     * @throws IllegalStateException when the parking space is full; the batch was not parked
     */
    public synchronized Optional<CompiledGraph> findOrPark(String networkId, B batch) {
        CompiledGraph graph = networks.get(networkId);
        if (graph != null) {
            return Optional.of(graph);
        }
        if (parkedCount >= maxParked) {
            throw new IllegalStateException(parkedCount + " batches already wait for their network's definition"
                    + " (gradflow.forward.max-pending-batches)");
        }
        parked.computeIfAbsent(networkId, id -> new ArrayList<>()).add(new Parked<>(networkId, batch, clock.instant()));
        parkedCount++;
        return Optional.empty();
    }

    /** Removes and returns the batches that have waited longer than {@code timeout}. */
    public synchronized List<Parked<B>> expire(Duration timeout) {
        Instant deadline = clock.instant().minus(timeout);
        List<Parked<B>> expired = new ArrayList<>();
        for (Iterator<List<Parked<B>>> lists = parked.values().iterator(); lists.hasNext(); ) {
            List<Parked<B>> list = lists.next();
            for (Iterator<Parked<B>> items = list.iterator(); items.hasNext(); ) {
                Parked<B> item = items.next();
                if (item.since().isBefore(deadline)) {
                    expired.add(item);
                    items.remove();
                }
            }
            if (list.isEmpty()) {
                lists.remove();
            }
        }
        parkedCount -= expired.size();
        return expired;
    }

    public synchronized int parkedCount() {
        return parkedCount;
    }
}
