package dev.gradflow.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What this gateway knows of each job: the latest record of {@code job-progress} (which every gateway instance reads
 * whole), or "queued" for a job it submitted itself and the job-service has not reported on yet. Jobs that ended are
 * forgotten oldest first once their records exceed {@code gradflow.gateway.jobs-max-bytes}; running ones never are.
 * A job belongs to the tenant its latest record names (the job-service copies the submission's
 * {@code gradflow-tenant} header onto every progress record), or to none.
 */
@ApplicationScoped
public class JobStore {
    /** The statuses after which a job changes no more. */
    public static final Set<String> ENDED = Set.of("done", "failed", "cancelled");

    @Inject
    ObjectMapper json;

    @Inject
    GatewayConfig config;

    private record Entry(ObjectNode progress, long bytes, String owner) {
    }

    /** In order of last update, so the oldest ended jobs are found first. */
    private final LinkedHashMap<String, Entry> jobs = new LinkedHashMap<>(16, 0.75f, false);
    private long bytes;

    /** A job this gateway just published for {@code owner}, before the job-service says anything of it. */
    public synchronized void queued(String jobId, String mode, String owner) {
        if (jobs.containsKey(jobId)) {
            return;
        }
        ObjectNode node = json.createObjectNode();
        node.put("jobId", jobId).put("status", "queued").put("mode", mode).put("updatedAt", Instant.now().toString());
        put(jobId, node, 0, owner);
    }

    /**
     * A record of {@code job-progress}.
     *
     * @param owner the tenant the record names, or null
     * @throws IOException when the value is not a JSON object
     */
    public void update(String jobId, byte[] value, String owner) throws IOException {
        if (value == null) {
            synchronized (this) {
                remove(jobId);
            }
            return;
        }
        ObjectNode node = (ObjectNode) json.readTree(value);
        synchronized (this) {
            put(jobId, node, value.length, owner);
            evict();
        }
    }

    /** The job's latest progress, if the job is the caller's: another tenant's is as unknown as one never started. */
    public synchronized Optional<ObjectNode> find(String jobId, Caller caller) {
        Entry entry = jobs.get(jobId);
        return entry == null || !caller.owns(entry.owner()) ? Optional.empty() : Optional.of(entry.progress());
    }

    /** Every job of the caller's known here, the most recently updated first. */
    public synchronized List<ObjectNode> list(Caller caller) {
        List<ObjectNode> all = new ArrayList<>();
        jobs.values().stream().filter(entry -> caller.owns(entry.owner()))
                .forEach(entry -> all.add(0, entry.progress()));
        return all;
    }

    public static boolean ended(ObjectNode progress) {
        return ENDED.contains(progress.path("status").asText());
    }

    private void put(String jobId, ObjectNode node, long size, String owner) {
        remove(jobId);
        jobs.put(jobId, new Entry(node, size, owner));
        bytes += size;
    }

    private void remove(String jobId) {
        Entry old = jobs.remove(jobId);
        if (old != null) {
            bytes -= old.bytes();
        }
    }

    private void evict() {
        Iterator<Map.Entry<String, Entry>> oldest = jobs.entrySet().iterator();
        while (bytes > config.jobsMaxBytes() && oldest.hasNext()) {
            Entry entry = oldest.next().getValue();
            if (ended(entry.progress())) {
                bytes -= entry.bytes();
                oldest.remove();
            }
        }
    }
}
