package dev.gradflow.benchmarks.pipeline;

import dev.gradflow.core.wire.BatchRecord;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the case's batch straight onto {@code batches}, as a producer of one's own would, each time under a new
 * batch id and keyed by that batch id, so one network's batches spread over the partitions.
 *
 * <p>The record is encoded once; each send copies it and writes the new id over the old one. Ids all have the same
 * length, and the batch id is the record's first string, right after magic and version (docs/wire-format.md), so
 * the driver spends its CPU on sending rather than on encoding megabytes per batch.
 */
final class TopicSubmitter implements Load.Submitter {
    /** Magic (4 bytes), version (1), the batch id's length (4): where the batch id's bytes start. */
    private static final int BATCH_ID_OFFSET = 9;

    private final KafkaProducer<String, byte[]> producer;
    private final Answers answers;
    private final String idPrefix;
    private final byte[] template;
    private final AtomicLong sequence = new AtomicLong();

    TopicSubmitter(KafkaProducer<String, byte[]> producer, Answers answers, PipelineCase pipelineCase,
            String networkId) {
        this.producer = producer;
        this.answers = answers;
        this.idPrefix = networkId + "-";
        this.template = new BatchRecord(batchId(0), networkId, pipelineCase.feeds()).encode();
        // The copy-and-patch must give exactly what encoding would.
        byte[] patched = record(batchId(1));
        if (!BatchRecord.decode(patched).batchId().equals(batchId(1))) {
            throw new IllegalStateException("patching the batch id produced another batch id");
        }
    }

    @Override
    public CompletableFuture<Answers.Answer> submit() {
        String batchId = batchId(sequence.incrementAndGet());
        CompletableFuture<Answers.Answer> answer = answers.expect(batchId);
        producer.send(new ProducerRecord<>("batches", batchId, record(batchId)), (metadata, error) -> {
            if (error != null) {
                answers.forget(batchId);
                answer.completeExceptionally(error);
            }
        });
        return answer;
    }

    private String batchId(long number) {
        return idPrefix + String.format(Locale.ROOT, "%010d", number);
    }

    private byte[] record(String batchId) {
        byte[] value = template.clone();
        byte[] id = batchId.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(id, 0, value, BATCH_ID_OFFSET, id.length);
        return value;
    }
}
