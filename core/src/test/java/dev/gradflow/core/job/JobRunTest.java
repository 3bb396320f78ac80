package dev.gradflow.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.Classification;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.testing.Json;
import dev.gradflow.core.train.FullGradient;
import dev.gradflow.core.train.TrainingLoop;
import dev.gradflow.core.train.TrainingResult;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A job driven as the job-service drives it, with every batch and answer going through its wire format, answers
 * arriving in a scrambled order and the job's state encoded and restored after every answer (as after a crash),
 * against the in-process references: {@link TrainingLoop} bit for bit, {@link FullGradient} to 1e-12.
 */
class JobRunTest {

    private static final String NETWORK = """
            {"kind": "layers", "dtype": "float64", "inputSize": 2, "layers": [
              {"type": "dense", "name": "dense1", "units": 16, "activation": "relu"},
              {"type": "dropout", "rate": 0.1},
              {"type": "dense", "name": "dense2", "units": 3, "activation": "softmax"}],
             "loss": "softmax-cross-entropy"}""";

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\": \"adam\", \"learningRate\": 0.02, \"decay\": 1e-3}",
            "{\"type\": \"sgd\", \"learningRate\": 0.5, \"momentum\": 0.9}",
            "{\"type\": \"rmsprop\", \"rho\": 0.99}", "{\"type\": \"adagrad\"}"})
    void aTrainingJobDrivenAnswerByAnswerEqualsTheInProcessLoopBitForBit(String optimizer) {
        JobSetup.Resolved setup = JobSetup.resolve(Json.parse("""
                {"network": %s, "dataset": {"generator": "spiral", "samples": 50, "classes": 3},
                 "init": "nnfs", "batchSize": 64, "mode": "train", "epochs": 3, "optimizer": %s,
                 "shuffle": true, "seed": 5, "accumulate": 2}""".formatted(NETWORK, optimizer)), JobSetup.Sources.NONE,
                Limits.DEFAULT);

        JobRun run = drive("job-1", setup, new Random(11));

        TrainingResult expected = TrainingLoop.run(setup.network(), setup.network().parameters(), setup.rows(),
                setup.definition().trainingPlan(), run.optimizer());
        assertThat(run.status()).isEqualTo(JobRun.Status.DONE);
        assertThat(run.parameters()).isEqualTo(expected.parameters());
        assertThat(run.optimizerState()).isEqualTo(expected.state());
        assertThat(run.history()).isEqualTo(expected.epochs());
        assertThat(run.stepsDone()).isEqualTo(run.stepsTotal()).isEqualTo(6);
        assertThat(run.samplesDone()).isEqualTo(run.samplesTotal()).isEqualTo(450);
    }

    @Test
    void aGradientJobEqualsTheFullGradientWhateverTheOrderOfItsAnswers() {
        JobSetup.Resolved setup = JobSetup.resolve(Json.parse("""
                {"network": %s, "dataset": {"generator": "vertical", "samples": 70, "classes": 3, "seed": 3},
                 "batchSize": 32, "mode": "gradient"}""".formatted(NETWORK.replace("\"rate\": 0.1",
                "\"rate\": 0.0"))), JobSetup.Sources.NONE, Limits.DEFAULT);

        JobRun run = drive("job-2", setup, new Random(5));

        FullGradient expected = FullGradient.of(setup.network(), setup.network().parameters(), setup.rows(), 32);
        assertThat(run.status()).isEqualTo(JobRun.Status.DONE);
        assertThat(run.loss().getAsDouble()).isCloseTo(expected.loss(), within(1e-12 * expected.loss()));
        expected.gradients().forEach((name, gradient) -> {
            double[] actual = run.meanGradients().get(name).readDoubles();
            double[] wanted = gradient.readDoubles();
            for (int i = 0; i < wanted.length; i++) {
                assertThat(actual[i]).as(name + "[" + i + "]").isCloseTo(wanted[i], within(1e-12 * Math.max(1e-3,
                        Math.abs(wanted[i]))));
            }
        });
        assertThat(run.stepsDone()).isEqualTo(run.stepsTotal()).isEqualTo(7);
    }

    @Test
    void stragglersDuplicatesAndAnswersAfterACancelChangeNothing() {
        JobSetup.Resolved setup = JobSetup.resolve(Json.parse("""
                {"network": %s, "dataset": {"generator": "spiral", "samples": 20, "classes": 3},
                 "batchSize": 30, "mode": "train", "epochs": 2, "optimizer": {"type": "sgd"}}"""
                .formatted(NETWORK)), JobSetup.Sources.NONE, Limits.DEFAULT);
        List<BatchRecord> first = new ArrayList<>();
        JobRun run = JobRun.start("job-3", setup, 4, first);
        GradientRecord answer = answer(first.get(0), setup.network());

        List<BatchRecord> second = run.onAnswer(answer);
        byte[] afterOne = run.encodeState();

        assertThat(second).hasSize(1);
        assertThat(run.onAnswer(answer)).isEmpty();
        assertThat(run.onAnswer(GradientRecord.ok("other-job/0/0", "other-job", answer.gradients()))).isEmpty();
        assertThat(run.encodeState()).isEqualTo(afterOne);
        run.cancel();
        assertThat(run.onAnswer(answer(second.get(0), setup.network()))).isEmpty();
        assertThat(run.status()).isEqualTo(JobRun.Status.CANCELLED);
        assertThat(run.stepsDone()).isEqualTo(1);
    }

    @Test
    void aFailedBatchFailsTheJobWithItsReason() {
        JobSetup.Resolved setup = JobSetup.resolve(Json.parse("""
                {"network": %s, "dataset": {"generator": "spiral", "samples": 20, "classes": 3},
                 "batchSize": 30, "mode": "gradient"}""".formatted(NETWORK)), JobSetup.Sources.NONE, Limits.DEFAULT);
        List<BatchRecord> first = new ArrayList<>();
        JobRun run = JobRun.start("job-4", setup, 4, first);

        run.onAnswer(GradientRecord.failed(first.get(1).batchId(), "job-4", "node h: NaN"));

        assertThat(run.status()).isEqualTo(JobRun.Status.FAILED);
        assertThat(run.failure()).isEqualTo("batch job-4/0/1 failed: node h: NaN");
        assertThat(JobRun.restore(setup, 3, run.encodeState()).failure()).isEqualTo(run.failure());
    }

    /**
     * Runs a job to its end as the pipeline would: every batch through its codec, forward and backward as the two
     * services run it, the answer through its codec; the outstanding answers delivered in a random order, and the
     * job restored from its encoded state before each.
     */
    private static JobRun drive(String jobId, JobSetup.Resolved setup, Random random) {
        List<BatchRecord> outstanding = new ArrayList<>();
        JobRun run = JobRun.start(jobId, setup, 3, outstanding);
        while (!outstanding.isEmpty()) {
            assertThat(outstanding).as("batches out at once").hasSizeLessThanOrEqualTo(3);
            Collections.shuffle(outstanding, random);
            BatchRecord batch = BatchRecord.decode(outstanding.remove(0).encode());
            assertThat(batch.answerTopic()).isEqualTo(AnswerTopic.JOBS);
            assertThat(batch.networkId()).isEqualTo(jobId);
            run = JobRun.restore(setup, 3, run.encodeState());
            outstanding.addAll(run.onAnswer(GradientRecord.decode(answer(batch, setup.network()).encode())));
        }
        return JobRun.restore(setup, 3, run.encodeState());
    }

    /** What the forward-service and the gradient-service make of a batch. */
    private static GradientRecord answer(BatchRecord batch, CompiledGraph network) {
        CompiledGraph graph = batch.parameters().isEmpty() ? network : network.withParameters(batch.parameters());
        Tape tape = ForwardPass.record(graph, batch.tensors(), batch.seed());
        GradientSet gradients = BackwardPass.run(tape);
        return GradientRecord.ok(batch.batchId(), batch.networkId(), gradients, Classification.correct(tape));
    }
}
