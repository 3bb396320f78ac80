package dev.gradflow.gateway.service;

import dev.gradflow.core.data.LabelledData;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Uploaded datasets by id, as every gateway instance reads them from topic {@code datasets}. A job on an uploaded
 * dataset carries its rows to the job-service attached to its submission.
 */
@ApplicationScoped
public class DatasetStore {
    private final Map<String, LabelledData> datasets = new ConcurrentHashMap<>();

    public void put(String datasetId, LabelledData rows) {
        datasets.put(datasetId, rows);
    }

    public void remove(String datasetId) {
        datasets.remove(datasetId);
    }

    public Optional<LabelledData> find(String datasetId) {
        return Optional.ofNullable(datasets.get(datasetId));
    }
}
