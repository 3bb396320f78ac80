package dev.gradflow.core.ops;

/**
 * Per-thread scratch arrays for intermediate values that never become tensors (the activation gradient of
 * {@link Dense}), so a training loop stops allocating and zeroing them batch after batch.
 *
 * <p>Arrays are kept by exact length, because gemm takes exactly-sized operands, and only the few most recently
 * used lengths are kept (a network has one per layer width), so a thread's scratch stays bounded whatever batch
 * sizes it sees. A caller owns the array until it returns and must not let it escape into a tensor: the next call
 * on the same thread hands out the same array.
 *
 * <p>The kept arrays sit in a small array searched from the front, most recently used first: for a handful of
 * lengths that is a few comparisons, where a map boxed the length and reordered its links on every call.
 */
final class Scratch {
    /** Lengths kept per thread and dtype; beyond this the least recently used is dropped. */
    private static final int KEPT_LENGTHS = 4;
    /** Larger arrays are not kept: at most 4 × 8 MiB per thread and dtype stays held. */
    private static final int MAX_KEPT_ELEMENTS = 1 << 20;

    private static final ThreadLocal<Kept<double[]>> DOUBLES = ThreadLocal.withInitial(Kept::new);
    private static final ThreadLocal<Kept<float[]>> FLOATS = ThreadLocal.withInitial(Kept::new);

    private Scratch() {
    }

    /** A {@code double[length]} with arbitrary contents, owned by the caller until it returns. */
    static double[] doubles(int length) {
        if (length > MAX_KEPT_ELEMENTS) {
            return new double[length];
        }
        Kept<double[]> kept = DOUBLES.get();
        double[] found = kept.take(length);
        return found != null ? found : kept.add(length, new double[length]);
    }

    /** A {@code float[length]} with arbitrary contents, owned by the caller until it returns. */
    static float[] floats(int length) {
        if (length > MAX_KEPT_ELEMENTS) {
            return new float[length];
        }
        Kept<float[]> kept = FLOATS.get();
        float[] found = kept.take(length);
        return found != null ? found : kept.add(length, new float[length]);
    }

    /** One thread's arrays of one dtype, most recently used first. */
    private static final class Kept<T> {
        private final int[] lengths = new int[KEPT_LENGTHS];
        private final Object[] arrays = new Object[KEPT_LENGTHS];
        private int size;

        /** The kept array of this length, moved to the front, or null. */
        @SuppressWarnings("unchecked")
        T take(int length) {
            for (int i = 0; i < size; i++) {
                if (lengths[i] == length) {
                    Object array = arrays[i];
                    moveToFront(i, length, array);
                    return (T) array;
                }
            }
            return null;
        }

        /** Keeps {@code array} in front, dropping the least recently used when full; returns it. */
        T add(int length, T array) {
            if (size < KEPT_LENGTHS) {
                size++;
            }
            moveToFront(size - 1, length, array);
            return array;
        }

        private void moveToFront(int from, int length, Object array) {
            System.arraycopy(lengths, 0, lengths, 1, from);
            System.arraycopy(arrays, 0, arrays, 1, from);
            lengths[0] = length;
            arrays[0] = array;
        }
    }
}
