package dev.gradflow.core.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-thread scratch arrays for intermediate values that never become tensors (the activation gradient of
 * {@link Dense}), so a training loop stops allocating and zeroing them batch after batch.
 *
 * <p>Arrays are kept by exact length, because gemm takes exactly-sized operands, and only the few most recently
 * used lengths are kept (a network has one per layer width), so a thread's scratch stays bounded whatever batch
 * sizes it sees. A caller owns the array until it returns and must not let it escape into a tensor: the next call
 * on the same thread hands out the same array.
 */
final class Scratch {
    /** Lengths kept per thread and dtype; beyond this the least recently used is dropped. */
    private static final int KEPT_LENGTHS = 4;
    /** Larger arrays are not kept: at most 4 × 8 MiB per thread and dtype stays held. */
    private static final int MAX_KEPT_ELEMENTS = 1 << 20;

    private static final ThreadLocal<Map<Integer, double[]>> DOUBLES = ThreadLocal.withInitial(Scratch::lru);
    private static final ThreadLocal<Map<Integer, float[]>> FLOATS = ThreadLocal.withInitial(Scratch::lru);

    private Scratch() {
    }

    private static <T> Map<Integer, T> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, T> eldest) {
                return size() > KEPT_LENGTHS;
            }
        };
    }

    /** A {@code double[length]} with arbitrary contents, owned by the caller until it returns. */
    static double[] doubles(int length) {
        if (length > MAX_KEPT_ELEMENTS) {
            return new double[length];
        }
        return DOUBLES.get().computeIfAbsent(length, double[]::new);
    }

    /** A {@code float[length]} with arbitrary contents, owned by the caller until it returns. */
    static float[] floats(int length) {
        if (length > MAX_KEPT_ELEMENTS) {
            return new float[length];
        }
        return FLOATS.get().computeIfAbsent(length, float[]::new);
    }
}
