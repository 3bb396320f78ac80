package dev.gradflow.benchmarks;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.MatrixKernels;
import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a SHA-256 of every gradient's bits for each benchmark network and dtype, computed several times in this
 * process. Run it twice, or under another configuration (another {@code gradflow.gemm}, another
 * {@code OPENBLAS_NUM_THREADS} or {@code OPENBLAS_CORETYPE}), and compare the lines: equal fingerprints mean
 * bit-identical gradients.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.Fingerprint [runs]</pre>
 */
public final class Fingerprint {
    private static final String[] NETWORKS = {"784-256-128-10/256", "1024-1024-1024-10/512", "2-64-3/300"};

    private Fingerprint() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.println("# gemm implementation: " + MatrixKernels.implementation());
        for (String label : NETWORKS) {
            NetworkCase network = NetworkCase.parse(label);
            for (DType dtype : DType.values()) {
                CompiledGraph graph = network.compile(dtype);
                Map<String, Tensor> feeds = network.feeds(dtype, 42);
                String first = null;
                boolean stable = true;
                for (int run = 0; run < runs; run++) {
                    String digest = digest(BackwardPass.run(ForwardPass.record(graph, feeds)));
                    if (first == null) {
                        first = digest;
                    } else if (!first.equals(digest)) {
                        stable = false;
                    }
                }
                System.out.printf("%-22s %-8s %s %s%n", label, dtype.label(), first,
                        stable ? "(same in all " + runs + " runs)" : "(DIFFERS between runs)");
            }
        }
    }

    /** SHA-256 over the loss and every gradient, in name order, as raw IEEE bits. */
    static String digest(GradientSet gradients) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(sha, "output", gradients.output());
        new TreeMap<>(gradients.parameters()).forEach((name, tensor) -> update(sha, name, tensor));
        new TreeMap<>(gradients.inputs()).forEach((name, tensor) -> update(sha, name, tensor));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void update(MessageDigest sha, String name, Tensor tensor) {
        sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.allocate(tensor.size() * Double.BYTES);
        for (double value : tensor.toDoubleArray()) {
            bytes.putLong(Double.doubleToRawLongBits(value));
        }
        sha.update(bytes.array());
    }
}
