package dev.gradflow.gateway.listener;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.DatasetRecord;
import dev.gradflow.core.wire.TenantHeader;
import dev.gradflow.gateway.service.DatasetStore;
import dev.gradflow.gateway.service.GatewayService;
import dev.gradflow.gateway.service.JobStore;
import dev.gradflow.gateway.service.NetworkCatalog;
import dev.gradflow.gateway.service.ResultStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the catalog and the result store current. Each gateway instance reads both topics whole, in its own
 * consumer group, so any instance can answer for any network and any batch. A record it cannot read is logged and
 * skipped: the services that own these topics dead-letter such records, and the gateway only mirrors them.
 *
 * <p>Whose a network, a job or a dataset is comes with its record, in the {@code gradflow-tenant} header
 * ({@link TenantHeader}); a record without it belongs to no tenant. Answers on {@code gradients} carry none: a batch
 * is its network's owner's.
 */
@ApplicationScoped
public class KafkaListeners {
    private static final Logger LOG = Logger.getLogger(KafkaListeners.class);

    @Inject
    NetworkCatalog catalog;

    @Inject
    ResultStore results;

    @Inject
    GatewayService service;

    @Inject
    JobStore jobs;

    @Inject
    DatasetStore datasets;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    @Incoming("network-definitions-in")
    @Blocking
    public void definition(ConsumerRecord<String, byte[]> record) {
        String networkId = record.key();
        if (networkId == null) {
            LOG.warn("skipping a network definition without a key");
            return;
        }
        if (record.value() == null) {
            catalog.remove(networkId);
            return;
        }
        try {
            Object definition = json.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(record.value());
            catalog.put(networkId, service.compile(definition), definition, tenant(record));
            count("network-definitions", "ok");
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("skipping network %s: %s", networkId, e.getMessage());
            count("network-definitions", "skipped");
        }
    }

    /** The tenant a record names, or null. */
    private static String tenant(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(TenantHeader.NAME);
        return header == null ? null : TenantHeader.decode(header.value());
    }

    private void count(String channel, String outcome) {
        count(channel, outcome, 1);
    }

    private void count(String channel, String outcome, int records) {
        Counter.builder("gradflow.records.processed").description("Records consumed and handled")
                .tag("channel", channel).tag("outcome", outcome).register(meters).increment(records);
    }

    /**
     * Answers arrive as each poll returns them (batch mode), so a busy pipeline costs the gateway one worker hand-off
     * per poll, not one per answer: the gateway reads every answer of every network.
     */
    @Incoming("gradients")
    @Blocking
    public void gradients(ConsumerRecords<String, byte[]> records) {
        int ok = 0;
        int skipped = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                results.answered(GradientRecord.decode(record.value()));
                ok++;
            } catch (IllegalArgumentException e) {
                LOG.warnf("skipping an unreadable gradient record: %s", e.getMessage());
                skipped++;
            }
        }
        count("gradients", "ok", ok);
        count("gradients", "skipped", skipped);
    }

    /** Each job's latest progress, for GET /jobs and the event streams; the topic is compacted, so it stays small. */
    @Incoming("job-progress")
    @Blocking
    public void jobProgress(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn("skipping a job progress record without a key");
            return;
        }
        try {
            jobs.update(record.key(), record.value(), tenant(record));
            count("job-progress", "ok");
        } catch (IOException | ClassCastException e) {
            LOG.warnf("skipping an unreadable progress record of job %s: %s", record.key(), e.getMessage());
            count("job-progress", "skipped");
        }
    }

    /** Uploaded datasets, so that a job on any gateway can name a dataset uploaded through any other. */
    @Incoming("datasets-in")
    @Blocking
    public void dataset(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn("skipping a dataset without a key");
            return;
        }
        if (record.value() == null) {
            datasets.remove(record.key());
            return;
        }
        try {
            DatasetRecord dataset = DatasetRecord.decode(record.value());
            datasets.put(dataset.datasetId(), dataset.rows(), tenant(record));
            count("datasets", "ok");
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping dataset %s: %s", record.key(), e.getMessage());
            count("datasets", "skipped");
        }
    }
}
