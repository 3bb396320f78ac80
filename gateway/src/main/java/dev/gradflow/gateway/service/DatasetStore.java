package dev.gradflow.gateway.service;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.gateway.config.GatewayConfig;
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
 * {@code gradflow.gateway.datasets-max-bytes}; the topic keeps them, and a restarted gateway reads them again.
 */
@ApplicationScoped
public class DatasetStore {

    @Inject
    GatewayConfig config;

    private final LinkedHashMap<String, LabelledData> datasets = new LinkedHashMap<>();
    private long bytes;

    public synchronized void put(String datasetId, LabelledData rows) {
        remove(datasetId);
        datasets.put(datasetId, rows);
        bytes += sizeOf(rows);
        Iterator<Map.Entry<String, LabelledData>> oldest = datasets.entrySet().iterator();
        while (bytes > config.datasetsMaxBytes() && datasets.size() > 1 && oldest.hasNext()) {
            bytes -= sizeOf(oldest.next().getValue());
            oldest.remove();
        }
    }

    public synchronized void remove(String datasetId) {
        LabelledData old = datasets.remove(datasetId);
        if (old != null) {
            bytes -= sizeOf(old);
        }
    }

    public synchronized Optional<LabelledData> find(String datasetId) {
        return Optional.ofNullable(datasets.get(datasetId));
    }

    private static long sizeOf(LabelledData rows) {
        return (long) (rows.inputs().size() + rows.targets().size()) * rows.dtype().bytesPerElement();
    }
}
