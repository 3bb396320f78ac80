package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What jobs added to the wire formats: batch record version 2, tape record version 3, gradient record version 2. */
class JobWireFormatsTest {
    private static final Map<String, Tensor> FEEDS = Map.of("x", Tensor.ofDoubles(new int[] {1, 2}, new double[] {1.5, -2}),
            "y", Tensor.ofDoubles(new int[] {1}, new double[] {1}));

    @Test
    void aBatchCarriesItsSeedAnswerTopicAndParameters() {
        BatchRecord batch = new BatchRecord("job-1/0/3", "job-1", 42, AnswerTopic.JOBS, FEEDS,
                Map.of("w", Tensor.ofFloats(new int[] {2}, new float[] {0.25f, -1f})));

        BatchRecord decoded = BatchRecord.decode(batch.encode());

        assertThat(decoded).isEqualTo(batch);
        assertThat(decoded.seed()).isEqualTo(42);
        assertThat(decoded.answerTopic()).isEqualTo(AnswerTopic.JOBS);
        assertThat(batch.encode()[4]).as("version").isEqualTo((byte) 3);
    }

    @Test
    void aVersionOneBatchIsSeededByItsIdAndAnsweredOnGradients() {
        WireWriter writer = new WireWriter(256).magic(BatchRecord.MAGIC, (byte) 1).string("b-1").string("net-1").i32(1)
                .string("x").tensor(FEEDS.get("x"));

        BatchRecord decoded = BatchRecord.decode(writer.toByteArray());

        assertThat(decoded).isEqualTo(new BatchRecord("b-1", "net-1", Map.of("x", FEEDS.get("x"))));
        assertThat(decoded.seed()).isEqualTo(BatchRecord.seedOf("b-1"));
        assertThat(decoded.answerTopic()).isEqualTo(AnswerTopic.GRADIENTS);
        assertThat(decoded.parameters()).isEmpty();
    }

    @Test
    void anUnknownAnswerTopicIsRejected() {
        byte[] bytes = new BatchRecord("b", "n", 1, AnswerTopic.GRADIENTS, FEEDS, Map.of()).encode();
        int answerTopicAt = 5 + 4 + 1 + 4 + 1 + 8;
        bytes[answerTopicAt] = 7;

        assertThatThrownBy(() -> BatchRecord.decode(bytes)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("answer topic 7 is neither 0 (gradients) nor 1 (jobs)");
    }

    @Test
    void aTapeCarriesItsBatchsAnswerTopicAlsoWhenItFailed() {
        TapeRecord failed = TapeRecord.failed("job-1/0/0", "job-1", "inputs.x: bad").answeredOn(AnswerTopic.JOBS);

        assertThat(TapeRecord.decode(failed.encode())).isEqualTo(failed);
        assertThat(TapeRecord.decode(TapeRecord.failed("b", "n", "r").encode()).answerTopic())
                .isEqualTo(AnswerTopic.GRADIENTS);
    }

    @Test
    void aGradientRecordCountsTheRowsClassifiedCorrectly() {
        GradientSet gradients = new GradientSet(Tensor.scalar(0.5), Map.of("w", Tensor.ofDoubles(new int[] {1}, new double[] {2})),
                Map.of());
        GradientRecord answer = GradientRecord.ok("b", "n", gradients, 17);

        assertThat(GradientRecord.decode(answer.encode()).correct()).isEqualTo(17);
        // Version 1 ends before the count of correct rows (4 bytes) and the traced flag (1 byte).
        byte[] versionOne = Arrays.copyOf(GradientRecord.ok("b", "n", gradients).encode(),
                answer.encode().length - 5);
        versionOne[4] = 1;
        assertThat(GradientRecord.decode(versionOne)).isEqualTo(GradientRecord.ok("b", "n", gradients));
        assertThat(GradientRecord.decode(versionOne).correct()).isEqualTo(-1);
    }

    @Test
    void jobCommandsRoundTrip() {
        JobCommand submit = new JobCommand.Submit("job-1", "{\"mode\": \"gradient\"}",
                Map.of("x", FEEDS.get("x"), "y", FEEDS.get("y")));
        JobCommand cancel = new JobCommand.Cancel("job-1");

        assertThat(JobCommand.decode(submit.encode())).isEqualTo(submit);
        assertThat(JobCommand.decode(cancel.encode())).isEqualTo(cancel);
        assertThat(JobCommand.isJobCommand(cancel.encode())).isTrue();
        assertThat(JobCommand.isJobCommand(GradientRecord.failed("b", "n", "r").encode())).isFalse();
        byte[] bad = cancel.encode();
        bad[bad.length - 1] = 9;
        assertThatThrownBy(() -> JobCommand.decode(bad)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("command 9 is neither 0 (submit) nor 1 (cancel)");
    }
}
