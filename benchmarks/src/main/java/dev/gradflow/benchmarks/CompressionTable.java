package dev.gradflow.benchmarks;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * What compressing gradflow's records would buy, per topic: each record kind of each benchmark network through
 * Kafka's own codecs (none, lz4, zstd), as a producer compresses and a consumer decompresses them. Prints the size,
 * the ratio, and the time to compress and to decompress one record (the median of many, after a warm-up), in one
 * run so the codecs are compared side by side.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.CompressionTable [network/batch ...]</pre>
 */
public final class CompressionTable {
    private static final List<String> CODECS = List.of("none", "lz4", "zstd");
    private static final long BUDGET_NANOS = 400_000_000L;

    private CompressionTable() {
    }

    public static void main(String[] args) {
        List<String> networks = args.length > 0 ? List.of(args)
                : List.of("2-64-3/300", "784-256-128-10/256", "1024-1024-1024-10/512");
        System.out.println("| topic | network | dtype | codec | bytes | ratio | compress ms | decompress ms |"
                + " compress MB/s |");
        System.out.println("|---|---|---|---|--:|--:|--:|--:|--:|");
        for (String label : networks) {
            NetworkCase networkCase = NetworkCase.parse(label);
            for (DType dtype : DType.values()) {
                CompiledGraph graph = networkCase.compile(dtype);
                Map<String, Tensor> feeds = networkCase.feeds(dtype, 42);
                Tape tape = ForwardPass.record(graph, feeds);
                byte[] batch = new BatchRecord("b", "n", feeds).encode();
                byte[] tapeRecord = TapeRecord.ok("b", "n", tape).encode();
                byte[] gradients = GradientRecord.ok("b", "n", BackwardPass.run(tape)).encode();
                for (var record : List.of(Map.entry("batches", batch), Map.entry("tapes", tapeRecord),
                        Map.entry("gradients", gradients))) {
                    for (String codec : CODECS) {
                        row(record.getKey(), label, dtype, codec, record.getValue());
                    }
                }
            }
        }
    }

    private static void row(String topic, String network, DType dtype, String codec, byte[] value) {
        Compression compression = Compression.of(codec).build();
        byte[] compressed = compress(compression, value);
        if (!Arrays.equals(decompress(compression, compressed, value.length), value)) {
            throw new IllegalStateException(codec + " did not round-trip a " + topic + " record");
        }
        double compressMillis = medianMillis(() -> compress(compression, value));
        double decompressMillis = medianMillis(() -> decompress(compression, compressed, value.length));
        System.out.printf("| %s | %s | %s | %s | %,d | %.3f | %.3f | %.3f | %,.0f |%n", topic, network,
                dtype.label(), codec, compressed.length, (double) value.length / compressed.length, compressMillis,
                decompressMillis, value.length / 1e6 / (compressMillis / 1e3));
    }

    private static byte[] compress(Compression compression, byte[] value) {
        ByteBufferOutputStream buffer = new ByteBufferOutputStream(value.length / 2 + 64);
        try (OutputStream out = compression.wrapForOutput(buffer, RecordBatch.CURRENT_MAGIC_VALUE)) {
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer written = buffer.buffer().flip();
        byte[] bytes = new byte[written.remaining()];
        written.get(bytes);
        return bytes;
    }

    private static byte[] decompress(Compression compression, byte[] compressed, int size) {
        byte[] result = new byte[size];
        try (InputStream in = compression.wrapForInput(ByteBuffer.wrap(compressed), RecordBatch.CURRENT_MAGIC_VALUE,
                BufferSupplier.NO_CACHING)) {
            int read = 0;
            while (read < size) {
                int n = in.read(result, read, size - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** The median time of one call, over as many calls as fit in the budget after as many again to warm up. */
    private static double medianMillis(Runnable call) {
        for (long end = System.nanoTime() + BUDGET_NANOS / 2; System.nanoTime() < end; ) {
            call.run();
        }
        List<Long> times = new ArrayList<>();
        for (long end = System.nanoTime() + BUDGET_NANOS; System.nanoTime() < end || times.size() < 5; ) {
            long start = System.nanoTime();
            call.run();
            times.add(System.nanoTime() - start);
        }
        times.sort(null);
        return times.get(times.size() / 2) / 1e6;
    }
}
