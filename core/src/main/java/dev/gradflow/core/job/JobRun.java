package dev.gradflow.core.job;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.job.JobDefinition.Train;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.train.BatchSchedule;
import dev.gradflow.core.train.GradientMean;
import dev.gradflow.core.train.MeanLoss;
import dev.gradflow.core.train.Optimizer;
import dev.gradflow.core.train.OptimizerCodec;
import dev.gradflow.core.train.OptimizerState;
import dev.gradflow.core.train.OptimizerStep;
import dev.gradflow.core.train.StepResult;
import dev.gradflow.core.train.TrainingPlan;
import dev.gradflow.core.train.TrainingResult;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.WireReader;
import dev.gradflow.core.wire.WireWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One job as the job-service drives it through the pipeline: which batches to send, what to do with each answer,
 * and everything it must remember between answers, as bytes ({@link #encodeState}) that the job-service commits in
 * the same Kafka transaction as the batches the answer caused. It is deterministic: the same answers give the same
 * batches and the same bits, so a job resumed from its committed state continues exactly as it would have.
 *
 * <p><b>Training</b> walks {@link TrainingLoop}'s schedule, one step at a time: the step's batches (its
 * {@code accumulate} micro-batches) go out together, each carrying the current parameters, batch seed
 * {@code epoch · batchesPerEpoch + batch} and answer topic {@code jobs}; they run on any instances in parallel. When
 * every answer of the step is in, they are combined in batch order by {@link GradientMean} and the optimizer takes
 * its step, exactly as {@link dev.gradflow.core.train.TrainingLoop} does in process; the answers' arrival order does
 * not matter.
 *
 * <p><b>A gradient job</b> sends the dataset's batches with the definition's parameters, at most
 * {@code maxBatchesInFlight} unanswered at a time (each answer lets the next batch go), so that a large dataset
 * neither floods the topics nor fills one transaction; the batches run on every instance in parallel. Each answer's
 * {@code n_j · g_j} is added to running float64 sums as it arrives, so the result equals
 * {@link dev.gradflow.core.train.FullGradient} up to the rounding of the summation order.
 */
public final class JobRun {
    private static final byte[] STATE_MAGIC = {'G', 'F', 'J', 'S'};
    private static final byte STATE_VERSION = 1;

    /** Where a job is. A job that is not running takes no further answers. */
    public enum Status {
        RUNNING, DONE, FAILED, CANCELLED;

        /** The status as the API spells it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String jobId;
    private final JobSetup.Resolved setup;
    private final Train train;
    private final BatchSchedule schedule;
    private final int maxBatchesInFlight;
    private int[] order;
    private int orderEpoch = -1;

    private Status status = Status.RUNNING;
    private String failure = "";
    private Map<String, Tensor> parameters;
    private OptimizerState optimizerState = OptimizerState.initial();
    private int epoch;
    private int step;
    private long stepsDone;
    private long samplesDone;
    private double lastLoss = Double.NaN;
    /** Training: the answers of the current step so far, by batch index within the epoch. */
    private final TreeMap<Integer, GradientRecord> answers = new TreeMap<>();
    private MeanLoss epochLoss = MeanLoss.EMPTY;
    private long epochCorrect;
    private final List<TrainingResult.Epoch> history = new ArrayList<>();
    /** A gradient job: which batches have answered, and the running sums Σ n_j · g_j per parameter. */
    private boolean[] answered;
    /** A gradient job: the next batch to send. */
    private int nextBatch;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private Map<String, Tensor> singleBatchGradients;

    private JobRun(String jobId, JobSetup.Resolved setup, int maxBatchesInFlight) {
        if (maxBatchesInFlight < 1) {
            throw new IllegalArgumentException("at least one batch must be allowed in flight, got "
                    + maxBatchesInFlight);
        }
        this.jobId = jobId;
        this.setup = setup;
        this.maxBatchesInFlight = maxBatchesInFlight;
        this.train = setup.definition().mode() instanceof Train t ? t : null;
        TrainingPlan plan = train != null ? setup.definition().trainingPlan()
                : TrainingPlan.inOrder(setup.definition().batchSize(), 1);
        this.schedule = new BatchSchedule(plan, setup.rows().samples());
        this.parameters = setup.network().parameters();
        this.answered = new boolean[train != null ? 0 : schedule.batchesPerEpoch()];
    }

    /**
     * A new job and the batches it starts with: a training job's first step, or a gradient job's first
     * {@code maxBatchesInFlight} batches.
     *
     * @param jobId also the network id its batches run under (the job-service registers the job's network under it)
     * @param maxBatchesInFlight how many of a gradient job's batches may be out unanswered; it does not change the
     *     result, only how much travels at once
     * @param firstBatches Modified: the batches to send are added
     */
    public static JobRun start(String jobId, JobSetup.Resolved setup, int maxBatchesInFlight,
            List<BatchRecord> firstBatches) {
        JobRun run = new JobRun(jobId, setup, maxBatchesInFlight);
        firstBatches.addAll(run.train != null ? run.stepBatches() : run.moreGradientBatches());
        return run;
    }

    /** A gradient job's next batches, up to the allowed number unanswered. */
    private List<BatchRecord> moreGradientBatches() {
        List<BatchRecord> batches = new ArrayList<>();
        while (nextBatch < answered.length && nextBatch - stepsDone < maxBatchesInFlight) {
            batches.add(batch(0, nextBatch++, false));
        }
        return batches;
    }

    public String jobId() {
        return jobId;
    }

    public Status status() {
        return status;
    }

    public boolean isTraining() {
        return train != null;
    }

    /** Why the job failed; empty unless it did. */
    public String failure() {
        return failure;
    }

    /**
     * Takes one answer of the job's batches and returns the batches it causes (the next step's, when it completes
     * a step). An answer the job no longer expects (it ended, or the answer is from a step already combined) is
     * ignored: nothing changes and no batch is returned.
     *
     * @return the batches to send; empty when none are due
     */
    public List<BatchRecord> onAnswer(GradientRecord answer) {
        int[] position = position(answer.batchId());
        if (status != Status.RUNNING || position == null) {
            return List.of();
        }
        if (answer.isFailed()) {
            fail("batch " + answer.batchId() + " failed: " + answer.failure());
            return List.of();
        }
        return train != null ? trainingAnswer(position[0], position[1], answer) : gradientAnswer(position[1], answer);
    }

    /** Stops the job; a job that already ended stays as it is. */
    public void cancel() {
        if (status == Status.RUNNING) {
            status = Status.CANCELLED;
        }
    }

    private List<BatchRecord> trainingAnswer(int answerEpoch, int batch, GradientRecord answer) {
        if (answerEpoch != epoch || batch < schedule.firstBatchOfStep(step) || batch >= schedule.endBatchOfStep(step)
                || answers.containsKey(batch)) {
            return List.of();
        }
        answers.put(batch, answer);
        if (answers.size() < schedule.endBatchOfStep(step) - schedule.firstBatchOfStep(step)) {
            return List.of();
        }
        GradientMean stepGradient = new GradientMean();
        for (Map.Entry<Integer, GradientRecord> entry : answers.entrySet()) {
            int rows = rowsOf(entry.getKey());
            GradientRecord record = entry.getValue();
            double loss = record.gradients().output().item();
            stepGradient.add(rows, loss, record.gradients().parameters());
            epochLoss = epochLoss.add(rows, loss);
            epochCorrect = record.correct() < 0 || epochCorrect < 0 ? -1 : epochCorrect + record.correct();
            samplesDone += rows;
        }
        answers.clear();
        lastLoss = stepGradient.loss();
        StepResult result;
        try {
            result = OptimizerStep.apply(train.optimizer(), parameters, stepGradient.gradients(), optimizerState);
        } catch (RuntimeException e) {
            fail("step " + (stepsDone + 1) + " failed: " + e.getMessage());
            return List.of();
        }
        parameters = result.parameters();
        optimizerState = result.state();
        stepsDone++;
        step++;
        if (step == schedule.stepsPerEpoch()) {
            OptionalDouble accuracy = epochCorrect < 0 ? OptionalDouble.empty()
                    : OptionalDouble.of((double) epochCorrect / schedule.samples());
            history.add(new TrainingResult.Epoch(epoch, epochLoss.value(), accuracy, optimizerState.iterations()));
            epochLoss = MeanLoss.EMPTY;
            epochCorrect = 0;
            step = 0;
            epoch++;
            if (epoch == train.epochs()) {
                status = Status.DONE;
                return List.of();
            }
        }
        return stepBatches();
    }

    private List<BatchRecord> gradientAnswer(int batch, GradientRecord answer) {
        if (batch >= answered.length || answered[batch]) {
            return List.of();
        }
        answered[batch] = true;
        int rows = rowsOf(batch);
        double loss = answer.gradients().output().item();
        epochLoss = epochLoss.add(rows, loss);
        lastLoss = loss;
        epochCorrect = answer.correct() < 0 || epochCorrect < 0 ? -1 : epochCorrect + answer.correct();
        samplesDone += rows;
        stepsDone++;
        if (answered.length == 1) {
            // As GradientMean: one batch's gradient is the answer itself, not n·g/n.
            singleBatchGradients = answer.gradients().parameters();
        } else {
            for (Map.Entry<String, Tensor> entry : answer.gradients().parameters().entrySet()) {
                double[] g = entry.getValue().readDoubles();
                double[] sum = sums.computeIfAbsent(entry.getKey(), k -> new double[g.length]);
                for (int i = 0; i < g.length; i++) {
                    sum[i] += rows * g[i];
                }
            }
        }
        if (stepsDone == answered.length) {
            status = Status.DONE;
            return List.of();
        }
        return moreGradientBatches();
    }

    private void fail(String reason) {
        status = Status.FAILED;
        failure = reason;
    }

    /** The current step's batches. */
    private List<BatchRecord> stepBatches() {
        List<BatchRecord> batches = new ArrayList<>();
        for (int b = schedule.firstBatchOfStep(step); b < schedule.endBatchOfStep(step); b++) {
            batches.add(batch(epoch, b, true));
        }
        return batches;
    }

    private BatchRecord batch(int batchEpoch, int batch, boolean withParameters) {
        int[] rows = schedule.batchOf(orderOf(batchEpoch), batch);
        LabelledData data = setup.rows().rows(rows);
        long seed = (long) batchEpoch * schedule.batchesPerEpoch() + batch;
        return new BatchRecord(jobId + "/" + batchEpoch + "/" + batch, jobId, seed, AnswerTopic.JOBS, data.feeds(),
                withParameters ? parameters : Map.of());
    }

    private int[] orderOf(int orderedEpoch) {
        if (orderEpoch != orderedEpoch) {
            order = schedule.order(orderedEpoch);
            orderEpoch = orderedEpoch;
        }
        return order;
    }

    private int rowsOf(int batch) {
        int from = batch * schedule.plan().batchSize();
        return Math.min(schedule.plan().batchSize(), schedule.samples() - from);
    }

    /** {epoch, batch} from a batch id this job made, or null for any other id. */
    private int[] position(String batchId) {
        String prefix = jobId + "/";
        if (!batchId.startsWith(prefix)) {
            return null;
        }
        String[] parts = batchId.substring(prefix.length()).split("/", -1);
        try {
            return parts.length == 2 ? new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // What the API shows

    /** Optimizer steps taken (training), or batches answered (a gradient job). */
    public long stepsDone() {
        return stepsDone;
    }

    /** Steps in all: epochs × steps per epoch, or the number of batches of a gradient job. */
    public long stepsTotal() {
        return train != null ? (long) train.epochs() * schedule.stepsPerEpoch() : schedule.batchesPerEpoch();
    }

    /** The epoch being run (from 0); the number of epochs once a training job is done. */
    public int epoch() {
        return epoch;
    }

    /** Epochs in all: 1 for a gradient job. */
    public int epochs() {
        return train != null ? train.epochs() : 1;
    }

    /** Rows whose answers are in. */
    public long samplesDone() {
        return samplesDone;
    }

    /** Rows the job runs in all. */
    public long samplesTotal() {
        return (long) epochs() * schedule.samples();
    }

    /** The latest step's loss (training), or the mean loss of the rows answered so far (a gradient job). */
    public OptionalDouble loss() {
        if (train == null) {
            return epochLoss.batches() == 0 ? OptionalDouble.empty() : OptionalDouble.of(epochLoss.value());
        }
        return Double.isNaN(lastLoss) ? OptionalDouble.empty() : OptionalDouble.of(lastLoss);
    }

    /**
     * The share of rows classified correctly: over the last finished epoch (training), or over the rows answered so
     * far (a gradient job); empty without a categorical loss or before any.
     */
    public OptionalDouble accuracy() {
        if (train != null) {
            return history.isEmpty() ? OptionalDouble.empty() : history.get(history.size() - 1).accuracy();
        }
        return epochCorrect < 0 || samplesDone == 0 ? OptionalDouble.empty()
                : OptionalDouble.of((double) epochCorrect / samplesDone);
    }

    /** Per finished epoch of a training job: its mean loss and accuracy. */
    public List<TrainingResult.Epoch> history() {
        return Collections.unmodifiableList(history);
    }

    /** The current parameters: the trained ones once a training job is done. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** The optimizer's state after the steps taken. */
    public OptimizerState optimizerState() {
        return optimizerState;
    }

    /**
     * A gradient job's answer: the gradient of the mean loss over every row, per parameter, in the parameters'
     * dtype ({@code Σ n_j · g_j / N}, rounded once).
     *
     * @throws IllegalStateException before the job is done, or for a training job
     */
    public Map<String, Tensor> meanGradients() {
        if (train != null || status != Status.DONE) {
            throw new IllegalStateException("only a finished gradient job has a mean gradient");
        }
        if (singleBatchGradients != null) {
            return singleBatchGradients;
        }
        Map<String, Tensor> mean = new LinkedHashMap<>();
        DType dtype = setup.network().dtype();
        for (Map.Entry<String, Tensor> parameter : parameters.entrySet()) {
            double[] sum = sums.get(parameter.getKey());
            double[] values = new double[sum.length];
            for (int i = 0; i < sum.length; i++) {
                values[i] = sum[i] / samplesDone;
            }
            mean.put(parameter.getKey(), Tensor.of(dtype, parameter.getValue().shape(), values));
        }
        return mean;
    }

    /** The setup the job runs. */
    public JobSetup.Resolved setup() {
        return setup;
    }

    // ----------------------------------------------------------------------------------------------------------
    // State

    /**
     * Everything that changes as the job runs, as bytes; with the job's request this is the whole job.
     * <pre>
     * 4 bytes "GFJS", 1 byte version (1); string job id; 1 byte status; string failure;
     * int32 epoch, int32 step; int64 steps done, int64 samples done; float64 last loss;
     * int32 parameter count, per parameter string name and tensor; optimizer state (GFOS) as int32 length + bytes;
     * int64 rows, int32 batches, float64 weighted sum, float64 first loss (the epoch's mean loss so far);
     * int64 correct rows (−1: no accuracy); int32 epochs finished, per epoch int32 epoch, float64 loss,
     * float64 accuracy (NaN: none), int64 steps;
     * int32 answers of the current step, per answer int32 batch and the gradient record as int32 length + bytes;
     * int32 gradient-job batches, 1 byte each (answered); int32 next batch to send; int32 sums, per sum a string name and a float64 tensor;
     * 1 byte whether a single-batch gradient follows, then int32 count and per parameter string name and tensor
     * </pre>
     */
    public byte[] encodeState() {
        WireWriter writer = new WireWriter(4096).magic(STATE_MAGIC, STATE_VERSION).string(jobId)
                .u8(status.ordinal()).string(failure).i32(epoch).i32(step).i64(stepsDone).i64(samplesDone)
                .f64(lastLoss).i32(parameters.size());
        parameters.forEach((name, tensor) -> writer.string(name).tensor(tensor));
        writer.bytes(OptimizerCodec.encodeState(optimizerState));
        writer.i64(epochLoss.rows()).i32(epochLoss.batches()).f64(epochLoss.weightedSum()).f64(epochLoss.first());
        writer.i64(epochCorrect).i32(history.size());
        for (TrainingResult.Epoch finished : history) {
            writer.i32(finished.epoch()).f64(finished.meanLoss()).f64(finished.accuracy().orElse(Double.NaN))
                    .i64(finished.steps());
        }
        writer.i32(answers.size());
        answers.forEach((batch, answer) -> writer.i32(batch).bytes(answer.encode()));
        writer.i32(answered.length);
        for (boolean done : answered) {
            writer.u8(done ? 1 : 0);
        }
        writer.i32(nextBatch).i32(sums.size());
        sums.forEach((name, sum) -> writer.string(name).tensor(Tensor.ofDoubles(new int[] {sum.length}, sum)));
        writer.u8(singleBatchGradients == null ? 0 : 1);
        if (singleBatchGradients != null) {
            writer.i32(singleBatchGradients.size());
            singleBatchGradients.forEach((name, tensor) -> writer.string(name).tensor(tensor));
        }
        return writer.toByteArray();
    }

    /**
     * The job as {@link #encodeState} left it.
     *
     * @param setup what {@link JobSetup#resolve} makes of the job's request, as when it started
     * @param maxBatchesInFlight as for {@link #start}; it may differ from the value the job started with
     * @throws dev.gradflow.core.wire.WireFormatException when the bytes are not a job state
     */
    public static JobRun restore(JobSetup.Resolved setup, int maxBatchesInFlight, byte[] state) {
        WireReader reader = new WireReader(state, "job state");
        reader.magic(STATE_MAGIC, STATE_VERSION);
        JobRun run = new JobRun(reader.string("job id"), setup, maxBatchesInFlight);
        int statusCode = reader.u8("status");
        if (statusCode >= Status.values().length) {
            throw reader.error("unknown status " + statusCode);
        }
        run.status = Status.values()[statusCode];
        run.failure = reader.string("failure");
        run.epoch = reader.i32("epoch");
        run.step = reader.i32("step");
        run.stepsDone = reader.i64("steps done");
        run.samplesDone = reader.i64("samples done");
        run.lastLoss = reader.f64("last loss");
        run.parameters = named(reader, "parameter");
        run.optimizerState = OptimizerCodec.decodeState(reader.bytes("optimizer state"));
        run.epochLoss = new MeanLoss(reader.i64("epoch rows"), reader.i32("epoch batches"),
                reader.f64("epoch weighted loss"), reader.f64("epoch first loss"));
        run.epochCorrect = reader.i64("epoch correct rows");
        int epochs = reader.count("finished epochs", Integer.MAX_VALUE);
        for (int i = 0; i < epochs; i++) {
            int finished = reader.i32("epoch");
            double loss = reader.f64("epoch loss");
            double accuracy = reader.f64("epoch accuracy");
            run.history.add(new TrainingResult.Epoch(finished, loss,
                    Double.isNaN(accuracy) ? OptionalDouble.empty() : OptionalDouble.of(accuracy),
                    reader.i64("epoch steps")));
        }
        int pending = reader.count("answers", Integer.MAX_VALUE);
        for (int i = 0; i < pending; i++) {
            run.answers.put(reader.i32("answer batch"), GradientRecord.decode(reader.bytes("answer")));
        }
        int batches = reader.count("gradient batches", Integer.MAX_VALUE);
        if (batches != run.answered.length) {
            throw reader.error(batches + " gradient batches, the job has " + run.answered.length);
        }
        for (int i = 0; i < batches; i++) {
            run.answered[i] = reader.u8("answered") == 1;
        }
        run.nextBatch = reader.count("next batch", batches);
        int sums = reader.count("sums", Integer.MAX_VALUE);
        for (int i = 0; i < sums; i++) {
            String name = reader.string("sum name");
            run.sums.put(name, reader.tensor("sum \"" + name + "\"").readDoubles());
        }
        if (reader.u8("single-batch gradient") == 1) {
            run.singleBatchGradients = named(reader, "single-batch gradient");
        }
        reader.end();
        return run;
    }

    private static Map<String, Tensor> named(WireReader reader, String what) {
        int count = reader.count(what + " count", Integer.MAX_VALUE);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = reader.string(what + " name");
            tensors.put(name, reader.tensor(what + " \"" + name + "\""));
        }
        return Collections.unmodifiableMap(tensors);
    }

    /** The optimizer of a training job. */
    public Optimizer optimizer() {
        if (train == null) {
            throw new IllegalStateException("a gradient job has no optimizer");
        }
        return train.optimizer();
    }
}
