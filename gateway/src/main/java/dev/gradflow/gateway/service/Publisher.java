package dev.gradflow.gateway.service;

import dev.gradflow.core.wire.TenantHeader;
import dev.gradflow.gateway.config.GatewayConfig;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Publishes keyed records and waits for the broker's acknowledgement, so a REST call answers 201/202 only for a
 * record that is really on Kafka, and a Kafka failure reaches the caller as a 503. Each record of a tenant carries
 * its name in the {@code gradflow-tenant} header ({@link TenantHeader}), which is how every gateway instance knows
 * whose it is.
 */
@ApplicationScoped
public class Publisher {

    @Inject
    @Channel("network-definitions")
    Emitter<byte[]> definitions;

    @Inject
    @Channel("batches")
    Emitter<byte[]> batches;

    @Inject
    @Channel("jobs")
    Emitter<byte[]> jobs;

    @Inject
    @Channel("datasets")
    Emitter<byte[]> datasets;

    /** An uploaded dataset, keyed by dataset id (the topic is compacted: the latest record of an id is the dataset). */
    public void dataset(String datasetId, byte[] record, String tenant) {
        send(datasets, "datasets", datasetId, record, tenant);
    }

    @Inject
    GatewayConfig config;

    /** A job command, keyed by job id, so that all of a job's records share a partition of {@code jobs}. */
    public void job(String jobId, byte[] command, String tenant) {
        send(jobs, "jobs", jobId, command, tenant);
    }

    public void definition(String networkId, byte[] json, String tenant) {
        send(definitions, "network-definitions", networkId, json, tenant);
    }

    /**
     * Keyed by batch id, not network id, so that one network's batches spread over every partition of
     * {@code batches}, and so over every forward-service instance.
     */
    public void batch(String batchId, byte[] record, String tenant) {
        send(batches, "batches", batchId, record, tenant);
    }

    /** @param tenant the record's tenant, or null (tenancy off) for a record without the header */
    private void send(Emitter<byte[]> emitter, String topic, String key, byte[] value, String tenant) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        RecordHeaders headers = new RecordHeaders();
        if (tenant != null) {
            headers.add(TenantHeader.NAME, TenantHeader.encode(tenant));
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(key)
                .withHeaders(headers).build();
        emitter.send(Message.of(value, Metadata.of(metadata),
                () -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        try {
            acknowledged.get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException("Kafka rejected the record for topic " + topic + ": " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge the record for topic " + topic + " within "
                    + config.publishTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing to " + topic, e);
        }
    }
}
