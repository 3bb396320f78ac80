package dev.gradflow.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobDefinition;
import dev.gradflow.core.job.JobSetup;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.JobCommand;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts and cancels jobs. A job is checked whole here, exactly as the job-service will check it
 * ({@link JobSetup#resolve}), so a bad job gets a 400 naming its field and nothing is published; a good one is
 * published to {@code jobs} with its network inline (a registered network's definition is looked up here) and its
 * initial parameters drawn, so that the submission stands on its own.
 */
@ApplicationScoped
public class JobSubmissions {

    @Inject
    NetworkCatalog catalog;

    @Inject
    DatasetStore datasets;

    @Inject
    JobStore jobs;

    @Inject
    Publisher publisher;

    @Inject
    ObjectMapper json;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry meters;

    private Limits limits;

    @PostConstruct
    void start() {
        limits = new Limits(config.maxTensorElements(), config.maxNodes());
    }

    /**
     * Checks a job request (a parsed JSON tree), publishes it under a new id as the caller's, and returns the id. A
     * network or dataset named by id must be the caller's; another tenant's is as unknown as one never registered.
     *
     * @throws dev.gradflow.core.graph.DefinitionException naming the field, when the job is invalid
     */
    public String submit(Object requestTree, Caller caller) throws IOException {
        JobSetup.Resolved job = JobSetup.resolve(requestTree, new JobSetup.Sources() {
            @Override
            public Optional<Map<String, Object>> network(String id) {
                return catalog.definition(id, caller);
            }

            @Override
            public Optional<LabelledData> dataset(String id) {
                return datasets.find(id, caller);
            }
        }, limits);
        String jobId = "job-" + UUID.randomUUID();
        Map<String, Tensor> attached = job.definition().dataset() instanceof JobDefinition.UploadedDataset
                ? job.rows().feeds() : Map.of();
        JobCommand.Submit submit = new JobCommand.Submit(jobId, json.writeValueAsString(job.request()), attached);
        jobs.queued(jobId, job.definition().mode() instanceof JobDefinition.Train ? "train" : "gradient",
                caller.tenant());
        publisher.job(jobId, submit.encode(), caller.tenant());
        count("submit");
        return jobId;
    }

    /**
     * Asks the job-service to stop a job.
     *
     * @return the job's latest progress
     * @throws UnknownJobException when the job is unknown here, or is not the caller's
     * @throws JobEndedException when it already ended
     */
    public ObjectNode cancel(String jobId, Caller caller) {
        ObjectNode progress = jobs.find(jobId, caller).orElseThrow(() -> new UnknownJobException(jobId));
        if (JobStore.ended(progress)) {
            throw new JobEndedException(jobId, progress.path("status").asText());
        }
        publisher.job(jobId, new JobCommand.Cancel(jobId).encode(), caller.tenant());
        count("cancel");
        return progress;
    }

    private void count(String command) {
        Counter.builder("gradflow.records.published").description("Records the gateway published")
                .tag("channel", "jobs").register(meters).increment();
        Counter.builder("gradflow.job.commands").description("Job commands the gateway published")
                .tag("command", command).register(meters).increment();
    }
}
