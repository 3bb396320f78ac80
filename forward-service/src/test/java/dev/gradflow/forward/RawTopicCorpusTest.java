package dev.gradflow.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.core.wire.TensorCodec;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Records that producers of their own write straight to the forward-service's topics: bytes that are not a batch
 * record land on {@code batches-dead-letters} with the exact reason; batch records that decode but cannot run are
 * answered with a failed tape naming the field; bad definitions land on {@code network-definitions-dead-letters}.
 * The service carries on with good batches after all of them.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class RawTopicCorpusTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SINGLE_NEURON = "corpus-single-neuron";
    private static final String MLP = "corpus-mlp";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    TopicProbe kafka;

    @BeforeEach
    void connect() throws IOException {
        kafka = new TopicProbe(bootstrapServers, TIMEOUT);
        kafka.produce("network-definitions", SINGLE_NEURON, example("single-neuron"));
        kafka.produce("network-definitions", MLP, example("mlp"));
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private static byte[] example(String name) throws IOException {
        return Files.readAllBytes(Path.of("..", "examples", name + ".network.json"));
    }

    /** A batch record's bytes up to its tensors, for hand-made corruptions. */
    private static ByteBuffer header(int extra) {
        ByteBuffer buffer = ByteBuffer.allocate(64 + extra);
        buffer.put(new byte[] {'G', 'F', 'B', 'A', 1});
        string(buffer, "b");
        string(buffer, SINGLE_NEURON);
        return buffer;
    }

    private static void string(ByteBuffer buffer, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        buffer.putInt(bytes.length).put(bytes);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** A batch record with one tensor named x whose header bytes are given after the magic. */
    private static byte[] withTensorHeader(byte... tensorHeader) {
        ByteBuffer buffer = header(32);
        buffer.putInt(1);
        string(buffer, "x");
        buffer.put(new byte[] {'G', 'F', 'T', 'N'}).put(tensorHeader);
        return bytes(buffer);
    }

    static Stream<Arguments> deadLetters() {
        byte[] good = new BatchRecord("b", SINGLE_NEURON, Map.of("x", Tensor.vector(1, 2, 3))).encode();
        byte[] tensor = TensorCodec.encode(Tensor.vector(1, 2, 3));
        return Stream.of(
                Arguments.of("empty record", new byte[0],
                        "batch record at byte 0: truncated: magic and version needs 5 bytes, 0 remain"),
                Arguments.of("text", "not a batch".getBytes(StandardCharsets.UTF_8),
                        "batch record: bad magic \"not \", expected \"GFBA\""),
                Arguments.of("a tape on the batches topic", TapeRecord.failed("b", "n", "x").encode(),
                        "batch record: bad magic \"GFTP\", expected \"GFBA\""),
                Arguments.of("a bare tensor", tensor, "batch record: bad magic \"GFTN\", expected \"GFBA\""),
                Arguments.of("unknown version", version(good, (byte) 9),
                        "batch record: unsupported version 9, this reader knows 1 to 3"),
                Arguments.of("header only", new byte[] {'G', 'F', 'B', 'A', 1},
                        "batch record at byte 5: truncated: batch id length needs 4 bytes, 0 remain"),
                Arguments.of("negative string length", bytes(header(0).position(5).putInt(-5)),
                        "batch record at byte 9: truncated: batch id needs -5 bytes, 0 remain"),
                Arguments.of("absurd tensor count", bytes(header(0).putInt(Integer.MAX_VALUE)),
                        "batch record at byte 34: tensor count 2147483647 is outside [0, 10000]"),
                Arguments.of("tensor with a bad magic", bytes(tensorNamedX().put(new byte[] {'N', 'O', 'P', 'E', 1})),
                        "batch record at byte 43: tensor \"x\": bad magic \"NOPE\", expected \"GFTN\""),
                Arguments.of("unknown dtype", withTensorHeader((byte) 1, (byte) 7, (byte) 1, (byte) 0),
                        "batch record at byte 48: tensor \"x\": unknown dtype code 7"),
                Arguments.of("unknown byte order", withTensorHeader((byte) 1, (byte) 1, (byte) 5, (byte) 0),
                        "batch record at byte 49: tensor \"x\": byte order 5 is neither 0 (big-endian) nor 1"
                                + " (little-endian)"),
                Arguments.of("rank over eight", withTensorHeader((byte) 1, (byte) 1, (byte) 1, (byte) 9),
                        "batch record at byte 50: tensor \"x\": rank 9 exceeds the maximum 8"),
                Arguments.of("negative dimension", concat(withTensorHeader((byte) 1, (byte) 1, (byte) 1, (byte) 1),
                        ByteBuffer.allocate(4).putInt(-3).array()),
                        "batch record at byte 51: tensor \"x\": dimension 0 is negative (-3)"),
                Arguments.of("data missing", concat(withTensorHeader((byte) 1, (byte) 1, (byte) 1, (byte) 1),
                        ByteBuffer.allocate(4).putInt(1_000_000).array()),
                        "batch record at byte 55: truncated: tensor \"x\" data of shape [1000000] needs 8000000"
                                + " bytes, 0 remain"),
                Arguments.of("unknown trace request", traceRequest(good, (byte) 7),
                        "batch record at byte 43: trace request 7 is not 0 (auto), 1 (always) or 2 (never)"),
                Arguments.of("trailing bytes", concat(good, new byte[] {0, 0, 0}),
                        "batch record at byte " + good.length + ": 3 unexpected trailing bytes"),
                Arguments.of("a tensor named twice", twice(),
                        "batch record at byte 79: tensor name \"x\" appears twice"));
    }

    private static ByteBuffer tensorNamedX() {
        ByteBuffer buffer = header(32);
        buffer.putInt(1);
        string(buffer, "x");
        return buffer;
    }

    private static byte[] twice() {
        byte[] tensor = TensorCodec.encode(Tensor.vector(1, 2, 3));
        ByteBuffer buffer = header(2 * tensor.length + 32);
        buffer.putInt(2);
        string(buffer, "x");
        buffer.put(tensor);
        string(buffer, "x");
        buffer.put(tensor);
        return bytes(buffer);
    }

    /** The trace request byte: after magic and version (5), batch id "b" (5), network id (4 + 20), seed, answer topic. */
    private static byte[] traceRequest(byte[] record, byte request) {
        byte[] copy = record.clone();
        copy[5 + 5 + 4 + SINGLE_NEURON.length() + 8 + 1] = request;
        return copy;
    }

    private static byte[] version(byte[] record, byte version) {
        byte[] copy = record.clone();
        copy[4] = version;
        return copy;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLetters")
    void bytesThatAreNotABatchGoToTheDeadLetterTopicWithTheReason(String title, byte[] value, String reason) {
        String key = "dead-" + UUID.randomUUID();
        kafka.produce("batches", key, value);

        ConsumerRecord<String, byte[]> deadLetter = kafka.awaitRecord("batches-dead-letters", r -> key.equals(r.key()));

        assertThat(deadLetter.value()).isEqualTo(value);
        assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .isEqualTo(reason);
        assertThat(new String(deadLetter.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo("batches");
    }

    static Stream<Arguments> failedBatches() {
        Map<String, Tensor> twoInputs = new LinkedHashMap<>();
        twoInputs.put("x", Tensor.vector(1, 2, 3));
        twoInputs.put("z", Tensor.vector(1));
        return Stream.of(
                Arguments.of("wrong shape", SINGLE_NEURON, Map.of("x", Tensor.vector(1, 2)),
                        "inputs.x: has shape [2], expected [3] (N is the batch size)"),
                Arguments.of("missing input", SINGLE_NEURON, Map.of(),
                        "inputs.x: is required by the network"),
                Arguments.of("an extra tensor", SINGLE_NEURON, twoInputs,
                        "inputs.z: the network has no input or target named \"z\"; expected [x]"),
                Arguments.of("a NaN", SINGLE_NEURON, Map.of("x", Tensor.vector(1, Double.NaN, 3)),
                        "inputs.x: holds NaN; every value must be finite"),
                Arguments.of("an infinity", SINGLE_NEURON, Map.of("x", Tensor.vector(1, 2, Double.NEGATIVE_INFINITY)),
                        "inputs.x: holds -Infinity; every value must be finite"),
                Arguments.of("float32 for a float64 network", SINGLE_NEURON,
                        Map.of("x", Tensor.of(DType.FLOAT32, new int[] {3}, new double[] {1, 2, 3})),
                        "inputs.x: has dtype float32, the network uses float64"),
                Arguments.of("class id out of range", MLP, Map.of("x", Tensor.matrix(new double[][] {{1, 2, 3, 4}}),
                        "y", Tensor.vector(3)), "targets.y[0]: class id 3.0 is not an integer in [0, 3)"),
                Arguments.of("an empty batch", MLP, Map.of("x", Tensor.of(new int[] {0, 4}), "y", Tensor.of(new int[] {0})),
                        "inputs.x: is empty; the batch size must be at least 1"),
                Arguments.of("an unknown network", "no-such-network", Map.of("x", Tensor.vector(1)),
                        "network no-such-network is not registered (waited PT3S, gradflow.forward.pending-timeout)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failedBatches")
    void batchesThatCannotRunAreAnsweredWithTheReason(String title, String network, Map<String, Tensor> tensors,
            String failure) {
        String batchId = "failed-" + UUID.randomUUID();
        kafka.produce("batches", network, new BatchRecord(batchId, network, tensors).encode());

        TapeRecord tape = TapeRecord.decode(kafka.awaitRecord("tapes",
                r -> TapeRecord.decode(r.value()).batchId().equals(batchId)).value());

        assertThat(tape.failure()).isEqualTo(failure);
    }

    static Stream<Arguments> badDefinitions() {
        return Stream.of(
                Arguments.of("not JSON", "{\"kind\": ", "network %s: not valid JSON: Unexpected end-of-input within/between Object entries"),
                Arguments.of("trailing content", "{\"kind\": \"graph\"} 7", "network %s: not valid JSON: Trailing"
                        + " token (of type VALUE_NUMBER_INT) found after value (bound as `java.lang.Object`): not"
                        + " allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`"),
                Arguments.of("unknown op", "{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\":"
                        + " [{\"name\": \"y\", \"op\": \"gelu\", \"inputs\": [\"x\"]}], \"output\": \"y\"}",
                        "nodes[0].op: unknown op 'gelu', expected one of [abs, add, binary-cross-entropy,"
                                + " categorical-cross-entropy, clip, dense, div, dropout, exp, log, matmul, max, mean,"
                                + " mean-absolute-error, mean-squared-error, min, mul, neg, pow, reduce-max, relu,"
                                + " reshape, sigmoid, softmax, softmax-cross-entropy, sqrt, sub, sum, tanh, transpose]"),
                Arguments.of("a cycle", "{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\":"
                        + " [{\"name\": \"a\", \"op\": \"add\", \"inputs\": [\"x\", \"a\"]}], \"output\": \"a\"}",
                        "nodes[0]: the graph has a cycle: \"a\" → \"a\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDefinitions")
    void definitionsThatCannotBeReadGoToTheDeadLetterTopicWithTheReason(String title, String json, String reason) {
        String networkId = "bad-" + UUID.randomUUID();
        kafka.produce("network-definitions", networkId, json.getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, byte[]> deadLetter = kafka.awaitRecord("network-definitions-dead-letters",
                r -> networkId.equals(r.key()));

        assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .isEqualTo(reason.formatted(networkId));
    }

    @Test
    void goodBatchesStillFlowAfterTheCorpus() {
        String batchId = "good-" + UUID.randomUUID();
        kafka.produce("batches", SINGLE_NEURON, new BatchRecord(batchId, SINGLE_NEURON,
                Map.of("x", Tensor.vector(1, -2, 3))).encode());

        TapeRecord tape = TapeRecord.decode(kafka.awaitRecord("tapes",
                r -> TapeRecord.decode(r.value()).batchId().equals(batchId)).value());

        assertThat(tape.isFailed()).isFalse();
        assertThat(tape.tape().outputValue().item()).isEqualTo(6.0);
    }
}
