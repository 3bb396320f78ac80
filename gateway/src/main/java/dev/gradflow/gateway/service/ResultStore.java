package dev.gradflow.gateway.service;

import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Batches submitted here and answers read from {@code gradients}, by batch id, bounded by memory: when the
 * entries held exceed {@code gradflow.gateway.results-max-bytes}, the oldest go first. An entry counts its
 * tensors' elements at 8 bytes each (a float32 tensor's at 8 too, an overestimate) plus what it costs besides,
 * measured ({@link #ENTRY_OVERHEAD}, {@link #TENSOR_OVERHEAD}), so the bound holds for many small answers too.
 * The topic remains the record of every answer; this store only serves recent ones over REST.
 *
 * <p>A batch belongs to the tenant that owns its network: only the owner can submit to a network, and every gateway
 * knows each network's owner from {@code network-definitions}, so an answer needs no tenant of its own and the
 * services that compute it know nothing of tenants.
 */
@ApplicationScoped
public class ResultStore {
    /**
     * What one entry costs besides its tensors' elements: the two map entries, the boxed size, the ids, the
     * records, the gradient maps and their keys. Measured by {@code ResultStoreMemoryTest}: the single neuron's
     * answer (four tensors) retained 1,269 bytes on Java 17 with compressed pointers, and is counted as 1,472. The
     * old figure, 256, let a gateway with a 1 GiB heap fill it with the single neuron's answers long before the
     * 512 MiB bound, and spend both cores in the garbage collector (seen at the end of a pipeline benchmark).
     */
    static final long ENTRY_OVERHEAD = 1_024;

    /** What each tensor costs besides its elements: the object, its shape array, its array's header. */
    static final long TENSOR_OVERHEAD = 96;

    private final Map<String, BatchState> states = new LinkedHashMap<>();
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private long bytes;

    @Inject
    GatewayConfig config;

    @Inject
    NetworkCatalog catalog;

    /** Records that a batch was submitted and waits for its answer. */
    public synchronized void pending(String batchId, String networkId) {
        if (!states.containsKey(batchId)) {
            store(new BatchState(batchId, networkId, null));
        }
    }

    /** Records an answer. */
    public synchronized void answered(GradientRecord result) {
        store(new BatchState(result.batchId(), result.networkId(), result));
    }

    /** The batch, if it is the caller's: another tenant's is as unknown as one never submitted. */
    public Optional<BatchState> find(String batchId, Caller caller) {
        BatchState state;
        synchronized (this) {
            state = states.get(batchId);
        }
        return Optional.ofNullable(state).filter(found -> caller.owns(catalog.owner(found.networkId())));
    }

    private void store(BatchState state) {
        Long previous = sizes.remove(state.batchId());
        if (previous != null) {
            bytes -= previous;
            states.remove(state.batchId());
        }
        long size = sizeOf(state);
        states.put(state.batchId(), state);
        sizes.put(state.batchId(), size);
        bytes += size;
        Iterator<Map.Entry<String, Long>> oldest = sizes.entrySet().iterator();
        while (bytes > config.resultsMaxBytes() && oldest.hasNext()) {
            Map.Entry<String, Long> entry = oldest.next();
            if (entry.getKey().equals(state.batchId())) {
                break;
            }
            bytes -= entry.getValue();
            states.remove(entry.getKey());
            oldest.remove();
        }
    }

    private static long sizeOf(BatchState state) {
        long size = ENTRY_OVERHEAD;
        GradientRecord result = state.result();
        if (result != null && !result.isFailed()) {
            size += tensorBytes(result.gradients().output());
            for (Tensor tensor : result.gradients().parameters().values()) {
                size += tensorBytes(tensor);
            }
            for (Tensor tensor : result.gradients().inputs().values()) {
                size += tensorBytes(tensor);
            }
        }
        if (result != null && result.trace() != null) {
            // Values, gradients and contributions; tensors shared between them counted once per use, an upper bound.
            for (ChainRuleTrace.Node node : result.trace().nodes()) {
                size += tensorBytes(node.value()) + (node.gradient() == null ? 0 : tensorBytes(node.gradient()));
            }
            for (ChainRuleTrace.Edge edge : result.trace().edges()) {
                size += (edge.local() == null ? 0 : tensorBytes(edge.local()))
                        + (edge.contribution() == null ? 0 : tensorBytes(edge.contribution()));
            }
        }
        return size;
    }

    private static long tensorBytes(Tensor tensor) {
        return TENSOR_OVERHEAD + (long) tensor.size() * Double.BYTES;
    }

    /** The bytes the bound counts for the entries held now. */
    synchronized long bytesHeld() {
        return bytes;
    }

    /** The entries held now. */
    synchronized int entries() {
        return states.size();
    }
}
