package dev.gradflow.jobs.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobRun;
import dev.gradflow.core.job.JobSetup;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.JobCommand;
import dev.gradflow.core.wire.TenantHeader;
import dev.gradflow.core.wire.WireFormatException;
import dev.gradflow.jobs.config.JobsConfig;
import dev.gradflow.exactlyonce.StatefulHandler;
import dev.gradflow.exactlyonce.StatefulHandler.RejectedRecordException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Drives the jobs of the partitions this instance owns: a submission starts a job (its network registered under the
 * job id, its first batches sent), each answer of its batches moves it on ({@link JobRun}), a cancellation stops it.
 * Everything a record changes is returned as records for the stream to commit with the record's offset: the batches,
 * the job's state on the state topic (partition = the input's partition), and its progress.
 *
 * <p>State records, keyed by job id on the state topic: {@code <job id>#submit} holds the job's submission (its
 * request and attached rows), written once; {@code <job id>#tenant} the tenant its submission named, if any;
 * {@code <job id>} holds its {@link JobRun#encodeState state} while it runs, and an end marker once it ended, so that
 * a submission read again is not run twice.
 *
 * <p>A submission's {@code gradflow-tenant} header ({@link TenantHeader}) is copied onto every record the job
 * writes elsewhere (its network, its batches, its progress), so that every gateway knows whose the job is.
 */
public final class JobService implements StatefulHandler {
    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final String SUBMIT_SUFFIX = "#submit";
    private static final String TENANT_SUFFIX = "#tenant";
    private static final byte[] ENDED_MAGIC = {'G', 'F', 'J', 'X'};

    /** A job this instance owns. */
    private static final class Job {
        final JobCommand.Submit submit;
        /** The tenant the submission named, or null. */
        final String tenant;
        JobRun run;
        /** When this instance took the job over, and how far it was then: the progress rate counts from there. */
        final Instant since;
        final long samplesSince;
        Instant lastProgress = Instant.EPOCH;

        Job(JobCommand.Submit submit, String tenant, JobRun run, Instant since) {
            this.submit = submit;
            this.tenant = tenant;
            this.run = run;
            this.since = since;
            this.samplesSince = run == null ? 0 : run.samplesDone();
        }
    }

    private final JobsConfig config;
    private final ObjectMapper json;
    private final JobProgressJson progress;
    private final Limits limits;
    private final Clock clock;
    /** Per input partition: its jobs by id; an ended job is kept as null run, to refuse a second submission. */
    private final Map<Integer, Map<String, Job>> partitions = new ConcurrentHashMap<>();
    private final Counter steps;
    private final Counter batchesSent;
    private final Counter staleAnswers;
    private final MeterRegistry meters;
    /** Jobs advanced since the last transaction, by partition: their state is encoded once, at its end. */
    private final Map<Integer, Set<String>> changed = new TreeMap<>();

    public JobService(JobsConfig config, ObjectMapper json, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.json = json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.progress = new JobProgressJson(json);
        this.limits = new Limits(config.maxTensorElements(), config.maxNodes());
        this.clock = clock;
        this.meters = meters;
        this.steps = Counter.builder("gradflow.job.steps").description("Optimizer steps taken and gradient-job batches"
                + " combined (a step redone after an aborted transaction counts again)").register(meters);
        this.batchesSent = Counter.builder("gradflow.job.batches").description("Batches the jobs sent").register(meters);
        this.staleAnswers = Counter.builder("gradflow.job.stale.answers").description("Answers of jobs that had"
                + " already ended or are unknown here, ignored").register(meters);
        Gauge.builder("gradflow.jobs.running", this, service -> service.running()).description("Jobs running on"
                + " this instance").register(meters);
        for (JobRun.Status status : JobRun.Status.values()) {
            if (status == JobRun.Status.RUNNING) {
                continue;
            }
            Counter.builder("gradflow.jobs.ended").tag("status", status.label()).description("Jobs that ended, by"
                    + " status").register(meters);
        }
    }

    private double running() {
        return partitions.values().stream().flatMap(jobs -> jobs.values().stream())
                .filter(job -> job.run != null && job.run.status() == JobRun.Status.RUNNING).count();
    }

    @Override
    public List<ProducerRecord<String, byte[]>> handle(ConsumerRecord<String, byte[]> record) {
        String jobId = record.key();
        byte[] value = record.value();
        if (jobId == null || jobId.isEmpty() || value == null) {
            throw new RejectedRecordException(jobId == null || jobId.isEmpty()
                    ? "the record has no key; the key must be the job id" : "the record has no value");
        }
        try {
            if (JobCommand.isJobCommand(value)) {
                JobCommand command = JobCommand.decode(value);
                if (!command.jobId().equals(jobId)) {
                    throw new RejectedRecordException("the record's key \"" + jobId + "\" is not its job id \""
                            + command.jobId() + "\"");
                }
                return command instanceof JobCommand.Submit submit ? submit(record.partition(), submit,
                        tenant(record)) : cancel(record.partition(), jobId);
            }
            return answer(record.partition(), jobId, GradientRecord.decode(value));
        } catch (WireFormatException e) {
            LOG.warnf("dead-lettering an unreadable record of job %s: %s", jobId, e.getMessage());
            throw new RejectedRecordException("neither a job command nor a gradient record: " + e.getMessage());
        }
    }

    /** The tenant a record's header names, or null. */
    private static String tenant(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(TenantHeader.NAME);
        return header == null ? null : TenantHeader.decode(header.value());
    }

    private List<ProducerRecord<String, byte[]>> submit(int partition, JobCommand.Submit submit, String tenant) {
        Map<String, Job> jobs = jobsOf(partition);
        String jobId = submit.jobId();
        if (jobs.containsKey(jobId)) {
            LOG.infof("job %s was submitted again; the first submission stands", jobId);
            return List.of();
        }
        Instant now = clock.instant();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        JobSetup.Resolved setup;
        try {
            setup = resolve(submit);
        } catch (DefinitionException e) {
            return refuse(partition, jobId, e.getMessage(), tenant, now);
        } catch (IOException e) {
            return refuse(partition, jobId, "the request is not valid JSON: " + e.getMessage(), tenant, now);
        }
        List<BatchRecord> batches = new ArrayList<>();
        JobRun run = JobRun.start(jobId, setup, config.maxBatchesInFlight(), batches);
        Job job = new Job(submit, tenant, run, now);
        jobs.put(jobId, job);
        out.add(record(config.definitionsTopic(), jobId, networkJson(setup), tenant));
        out.add(state(partition, jobId + SUBMIT_SUFFIX, submit.encode()));
        if (tenant != null) {
            out.add(state(partition, jobId + TENANT_SUFFIX, TenantHeader.encode(tenant)));
        }
        sendBatches(batches, tenant, out);
        changed(partition, jobId);
        out.add(progress(job, now));
        LOG.infof("job %s started: %s batches of %d rows over %d rows", jobId, batches.size(),
                setup.definition().batchSize(), setup.rows().samples());
        return out;
    }

    private List<ProducerRecord<String, byte[]>> refuse(int partition, String jobId, String error, String tenant,
            Instant now) {
        LOG.infof("job %s refused: %s", jobId, error);
        jobsOf(partition).put(jobId, new Job(null, null, null, now));
        countEnded(JobRun.Status.FAILED);
        return List.of(state(partition, jobId, ended(JobRun.Status.FAILED)),
                record(config.progressTopic(), jobId, progress.refused(jobId, error, now), tenant));
    }

    private List<ProducerRecord<String, byte[]>> cancel(int partition, String jobId) {
        Job job = jobsOf(partition).get(jobId);
        if (job == null || job.run == null || job.run.status() != JobRun.Status.RUNNING) {
            LOG.infof("cancellation of job %s ignored: it is not running here", jobId);
            return List.of();
        }
        job.run.cancel();
        return end(partition, job, clock.instant());
    }

    private List<ProducerRecord<String, byte[]>> answer(int partition, String jobId, GradientRecord answer) {
        Job job = jobsOf(partition).get(jobId);
        if (job == null || job.run == null || job.run.status() != JobRun.Status.RUNNING) {
            staleAnswers.increment();
            return List.of();
        }
        long stepsBefore = job.run.stepsDone();
        int epochsBefore = job.run.history().size();
        List<BatchRecord> next = job.run.onAnswer(answer);
        steps.increment(job.run.stepsDone() - stepsBefore);
        Instant now = clock.instant();
        if (job.run.status() != JobRun.Status.RUNNING) {
            return end(partition, job, now);
        }
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        sendBatches(next, job.tenant, out);
        changed(partition, jobId);
        boolean epochEnded = job.run.history().size() > epochsBefore;
        if (epochEnded || Duration.between(job.lastProgress, now).compareTo(config.progressInterval()) >= 0) {
            out.add(progress(job, now));
        }
        return out;
    }

    /** The records of a job's end: its final progress, its network forgotten, its state an end marker. */
    private List<ProducerRecord<String, byte[]>> end(int partition, Job job, Instant now) {
        String jobId = job.run.jobId();
        JobRun.Status status = job.run.status();
        countEnded(status);
        LOG.infof("job %s %s after %d steps%s", jobId, status.label(), job.run.stepsDone(),
                status == JobRun.Status.FAILED ? ": " + job.run.failure() : "");
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        out.add(progress(job, now));
        out.add(record(config.definitionsTopic(), jobId, null, job.tenant));
        out.add(state(partition, jobId + SUBMIT_SUFFIX, null));
        if (job.tenant != null) {
            out.add(state(partition, jobId + TENANT_SUFFIX, null));
        }
        out.add(state(partition, jobId, ended(status)));
        jobsOf(partition).put(jobId, new Job(null, null, null, now));
        return out;
    }

    private void countEnded(JobRun.Status status) {
        meters.counter("gradflow.jobs.ended", "status", status.label()).increment();
    }

    private ProducerRecord<String, byte[]> progress(Job job, Instant now) {
        job.lastProgress = now;
        return record(config.progressTopic(), job.run.jobId(), progress.progress(job.run,
                job.run.isTraining() ? "train" : "gradient", job.since, job.samplesSince, now), job.tenant);
    }

    private void sendBatches(List<BatchRecord> batches, String tenant, List<ProducerRecord<String, byte[]>> out) {
        for (BatchRecord batch : batches) {
            out.add(record(config.batchesTopic(), batch.batchId(), batch.encode(), tenant));
        }
        batchesSent.increment(batches.size());
    }

    /** A record for a topic other than the state topic, with the job's tenant in its header when it has one. */
    private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value, String tenant) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (tenant != null) {
            record.headers().add(TenantHeader.NAME, TenantHeader.encode(tenant));
        }
        return record;
    }

    private void changed(int partition, String jobId) {
        changed.computeIfAbsent(partition, p -> new LinkedHashSet<>()).add(jobId);
    }

    /** The state of every job advanced in this transaction, encoded once whatever the number of its answers. */
    @Override
    public List<ProducerRecord<String, byte[]>> changedState() {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        changed.forEach((partition, jobIds) -> {
            for (String jobId : jobIds) {
                Job job = jobsOf(partition).get(jobId);
                // A job that ended in this transaction already wrote its end marker.
                if (job != null && job.run != null) {
                    out.add(state(partition, jobId, job.run.encodeState()));
                }
            }
        });
        changed.clear();
        return out;
    }

    private ProducerRecord<String, byte[]> state(int partition, String key, byte[] value) {
        return new ProducerRecord<>(config.stateTopic(), partition, key, value);
    }

    private static byte[] ended(JobRun.Status status) {
        byte[] marker = new byte[ENDED_MAGIC.length + 1];
        System.arraycopy(ENDED_MAGIC, 0, marker, 0, ENDED_MAGIC.length);
        marker[ENDED_MAGIC.length] = (byte) status.ordinal();
        return marker;
    }

    private static boolean isEnded(byte[] value) {
        if (value.length != ENDED_MAGIC.length + 1) {
            return false;
        }
        for (int i = 0; i < ENDED_MAGIC.length; i++) {
            if (value[i] != ENDED_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The job's setup from its submission, the same every time: the network must be inline (the gateway puts it
     * there), and an uploaded dataset's rows are attached to the submission.
     */
    private JobSetup.Resolved resolve(JobCommand.Submit submit) throws IOException {
        Object tree = json.readValue(submit.request().getBytes(StandardCharsets.UTF_8), Object.class);
        return JobSetup.resolve(tree, new JobSetup.Sources() {
            @Override
            public Optional<Map<String, Object>> network(String id) {
                throw new DefinitionException("network", "a job on topic " + config.commandsTopic() + " carries its"
                        + " network inline (the gateway resolves \"" + id + "\" before it publishes)");
            }

            @Override
            public Optional<LabelledData> dataset(String id) {
                Tensor x = submit.attached().get(LabelledData.INPUT_NAME);
                Tensor y = submit.attached().get(LabelledData.TARGET_NAME);
                if (x == null || y == null) {
                    throw new DefinitionException("dataset.id", "the rows of dataset \"" + id + "\" are not attached"
                            + " to the submission (attach tensors \"x\" and \"y\")");
                }
                try {
                    return Optional.of(new LabelledData(x, y));
                } catch (IllegalArgumentException e) {
                    throw new DefinitionException("dataset.id", e.getMessage());
                }
            }
        }, limits);
    }

    private byte[] networkJson(JobSetup.Resolved setup) {
        try {
            return json.writeValueAsBytes(setup.request().get("network"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the job's network could not be written as JSON", e);
        }
    }

    private Map<String, Job> jobsOf(int partition) {
        return partitions.computeIfAbsent(partition, p -> new ConcurrentHashMap<>());
    }

    @Override
    public void restore(int partition, Map<String, byte[]> state) {
        Map<String, Job> jobs = new ConcurrentHashMap<>();
        Instant now = clock.instant();
        state.forEach((key, value) -> {
            if (key.endsWith(SUBMIT_SUFFIX) || key.endsWith(TENANT_SUFFIX)) {
                return;
            }
            if (isEnded(value)) {
                jobs.put(key, new Job(null, null, null, now));
                return;
            }
            byte[] submitted = state.get(key + SUBMIT_SUFFIX);
            if (submitted == null) {
                LOG.errorf("job %s has a state but no submission on %s; it cannot be resumed", key,
                        config.stateTopic());
                return;
            }
            JobCommand.Submit submit = (JobCommand.Submit) JobCommand.decode(submitted);
            try {
                JobRun run = JobRun.restore(resolve(submit), config.maxBatchesInFlight(), value);
                jobs.put(key, new Job(submit, TenantHeader.decode(state.get(key + TENANT_SUFFIX)), run, now));
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "job %s could not be resumed from its state", key);
            }
        });
        partitions.put(partition, jobs);
        changed.remove(partition);
    }

    @Override
    public void drop(int partition) {
        partitions.remove(partition);
        changed.remove(partition);
    }
}
