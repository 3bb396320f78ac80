package dev.gradflow.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.core.wire.WireWriter;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tapes written straight to {@code tapes} by producers of their own: bytes that are not a tape record land on
 * {@code tapes-dead-letters} with the exact reason; tape records the backward pass cannot run, or that exceed the
 * limits, are answered with a failure naming the node; good tapes still flow afterwards.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class RawTapeCorpusTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    TopicProbe kafka;

    @BeforeEach
    void connect() {
        kafka = new TopicProbe(bootstrapServers, Duration.ofSeconds(30));
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private static TapeNode input(String name) {
        return TapeNode.leaf(name, NodeKind.INPUT, new int[0]);
    }

    private static TapeNode op(String name, String op, double[] attributes, int[] inputs, Tensor... saved) {
        return new TapeNode(name, NodeKind.OP, new int[0], op, attributes, inputs, List.of(saved));
    }

    private static Tape tape(TapeNode... nodes) {
        return new Tape(DType.FLOAT64, List.of(nodes), nodes.length - 1, Tensor.scalar(1));
    }

    static Stream<Arguments> deadLetters() {
        byte[] good = TapeRecord.ok("b", "n", tape(input("x"), op("y", "neg", new double[0], new int[] {0})))
                .encode();
        byte[] version = good.clone();
        version[4] = 6;
        byte[] badTraced = good.clone();
        badTraced[good.length - 1] = 2;
        byte[] tracedWithoutValues = good.clone();
        tracedWithoutValues[good.length - 1] = 1;
        byte[] badAnswerTopic = good.clone();
        badAnswerTopic[5 + 5 + 5] = 3;
        byte[] badStatus = good.clone();
        badStatus[5 + 5 + 5 + 1] = 3;
        return Stream.of(
                Arguments.of("text", "garbage".getBytes(StandardCharsets.UTF_8),
                        "tape record: bad magic \"garb\", expected \"GFTP\""),
                Arguments.of("unknown version", version, "tape record: unsupported version 6, this reader knows 1 to 5"),
                Arguments.of("traced flag neither 0 nor 1", badTraced,
                        "tape record at byte " + (good.length - 1) + ": traced flag 2 is neither 0 nor 1"),
                Arguments.of("traced, but the node values are missing", tracedWithoutValues,
                        "tape record at byte " + good.length + ": truncated: node 0 value tensor index needs 4 bytes, 0 remain"),
                Arguments.of("unknown answer topic", badAnswerTopic,
                        "tape record at byte 15: answer topic 3 is neither 0 (gradients) nor 1 (jobs)"),
                Arguments.of("unknown status", badStatus,
                        "tape record at byte 16: status 3 is neither 0 (ok) nor 1 (failed)"),
                Arguments.of("a recipe for a leaf", recipeForALeaf(),
                        "tape record: recipe 0 (tensor 1): node 0 (\"x\") is not an op, so its value cannot be"
                                + " recomputed"),
                Arguments.of("truncated", Arrays.copyOf(good, good.length - 5),
                        "tape record at byte " + (good.length - 6) + ": truncated: node 1 input 0 needs 4 bytes,"
                                + " 1 remain"));
    }

    /** y = neg(x), whose table's second entry claims to recompute the input x (docs/wire-format.md, version 5). */
    private static byte[] recipeForALeaf() {
        return new WireWriter(64).magic("GFTP".getBytes(StandardCharsets.US_ASCII), (byte) 5).string("b").string("n")
                .u8(0).u8(0).u8(DType.FLOAT64.wireCode()).i32(1).i32(1).tensor(Tensor.scalar(1)).i32(1).i32(0).u8(0)
                .i32(0).i32(2).string("x").u8(0).u8(0).string("y").u8(4).u8(0).string("neg").u8(0).u8(1).i32(0).u8(0)
                .u8(0).toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLetters")
    void bytesThatAreNotATapeGoToTheDeadLetterTopicWithTheReason(String title, byte[] value, String reason) {
        String key = "dead-" + UUID.randomUUID();
        kafka.produce("tapes", key, value);

        ConsumerRecord<String, byte[]> deadLetter = kafka.awaitRecord("tapes-dead-letters", r -> key.equals(r.key()));

        assertThat(deadLetter.value()).isEqualTo(value);
        assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .isEqualTo(reason);
    }

    static Stream<Arguments> failedTapes() {
        List<TapeNode> chain = new ArrayList<>(List.of(input("x")));
        for (int i = 0; i < 60; i++) {
            chain.add(op("n" + i, "neg", new double[0], new int[] {i}));
        }
        return Stream.of(
                Arguments.of("unknown op", tape(input("x"), op("y", "gelu", new double[0], new int[] {0})),
                        "failed to compute gradient for node \"y\" (#1, op \"gelu\"): unknown op 'gelu', expected"
                                + " one of [abs, add, binary-cross-entropy, categorical-cross-entropy, clip, dense,"
                                + " div, dropout, exp, log, matmul, max, mean, mean-absolute-error, mean-squared-error,"
                                + " min, mul, neg, pow, reduce-max, relu, reshape, sigmoid, softmax,"
                                + " softmax-cross-entropy, sqrt, sub, sum, tanh, transpose]"),
                Arguments.of("missing attribute", tape(input("x"), op("y", "pow", new double[0], new int[] {0},
                        Tensor.scalar(2))),
                        "failed to compute gradient for node \"y\" (#1, op \"pow\"): bad attributes: pow: expected 1"
                                + " attributes, got 0"),
                Arguments.of("wrong input count", tape(input("x"), op("y", "add", new double[0], new int[] {0})),
                        "failed to compute gradient for node \"y\" (#1, op \"add\"): recorded 1 inputs, the op takes 2"),
                Arguments.of("input after its reader", tape(input("x"), op("y", "neg", new double[0], new int[] {1})),
                        "node \"y\" (#1) reads node #1, which does not come before it"),
                Arguments.of("saved value missing", tape(input("x"), op("y", "exp", new double[0], new int[] {0})),
                        "failed to compute gradient for node \"y\" (#1, op \"exp\"): the tape records 0 saved"
                                + " tensors, fewer than its backward rule reads"),
                Arguments.of("a NaN saved", tape(input("x"), op("y", "log", new double[0], new int[] {0},
                        Tensor.scalar(0))),
                        "non-finite value: the gradient node \"y\" (op \"log\") sends to its input 0 (node \"x\") in"
                                + " the backward pass holds Infinity (element 0 of [])"),
                Arguments.of("too many nodes", tape(chain.toArray(new TapeNode[0])),
                        "the tape has 61 nodes, more than the limit 50 (gradflow.gradient.max-tape-nodes)"),
                Arguments.of("a saved tensor too large", tape(input("x"), op("y", "mul", new double[0],
                        new int[] {0, 0}, Tensor.zeros(DType.FLOAT64, 2000), Tensor.scalar(1))),
                        "node \"y\" saved a tensor of 2000 elements, more than the limit 1000"
                                + " (gradflow.gradient.max-tensor-elements)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failedTapes")
    void tapesThatCannotRunAreAnsweredWithTheReason(String title, Tape tape, String failure) {
        String batchId = "failed-" + UUID.randomUUID();
        kafka.produce("tapes", "n", TapeRecord.ok(batchId, "n", tape).encode());

        GradientRecord answer = GradientRecord.decode(kafka.awaitRecord("gradients",
                r -> GradientRecord.decode(r.value()).batchId().equals(batchId)).value());

        assertThat(answer.failure()).isEqualTo(failure);
    }

    @Test
    void goodTapesStillFlowAfterTheCorpus() {
        String batchId = "good-" + UUID.randomUUID();
        Tape square = new Tape(DType.FLOAT64, List.of(input("x"),
                op("y", "pow", new double[] {2}, new int[] {0}, Tensor.scalar(3))), 1, Tensor.scalar(9));
        kafka.produce("tapes", "n", TapeRecord.ok(batchId, "n", square).encode());

        GradientRecord answer = GradientRecord.decode(kafka.awaitRecord("gradients",
                r -> GradientRecord.decode(r.value()).batchId().equals(batchId)).value());

        assertThat(answer.gradients().inputs().get("x").item()).isEqualTo(6.0);
    }
}
