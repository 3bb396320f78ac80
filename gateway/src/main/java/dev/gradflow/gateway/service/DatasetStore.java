package dev.gradflow.gateway.service;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Uploaded datasets by id, as every gateway instance reads them from topic {@code datasets} (and as this one
 * uploaded them). A job on an uploaded dataset carries its rows to the job-service attached to its submission, so
 * the job-service needs no copy. The oldest datasets are forgotten first once they exceed
 * {@code gradflow.gateway.datasets-max-bytes}; the topic keeps them, and a restarted gateway reads them again. A
 * dataset belongs to the tenant its record names ({@code gradflow-tenant} header), or to none.
 */
@ApplicationScoped
public class DatasetStore {

    @Inject
    GatewayConfig config;

    private record Entry(LabelledData rows, String owner) {
    }

    private final LinkedHashMap<String, Entry> datasets = new LinkedHashMap<>();
    private long bytes;

    /** @param owner the tenant the dataset's record names, or null */
    public synchronized void put(String datasetId, LabelledData rows, String owner) {
        remove(datasetId);
        datasets.put(datasetId, new Entry(rows, owner));
        bytes += sizeOf(rows);
        Iterator<Map.Entry<String, Entry>> oldest = datasets.entrySet().iterator();
        while (bytes > config.datasetsMaxBytes() && datasets.size() > 1 && oldest.hasNext()) {
            bytes -= sizeOf(oldest.next().getValue().rows());
            oldest.remove();
        }
    }

    public synchronized void remove(String datasetId) {
        Entry old = datasets.remove(datasetId);
        if (old != null) {
            bytes -= sizeOf(old.rows());
        }
    }

    /** The dataset, if it is the caller's: another tenant's is as unknown as one never uploaded. */
    public synchronized Optional<LabelledData> find(String datasetId, Caller caller) {
        Entry entry = datasets.get(datasetId);
        return entry == null || !caller.owns(entry.owner()) ? Optional.empty() : Optional.of(entry.rows());
    }

    private static long sizeOf(LabelledData rows) {
        return (long) (rows.inputs().size() + rows.targets().size()) * rows.dtype().bytesPerElement();
    }
}
