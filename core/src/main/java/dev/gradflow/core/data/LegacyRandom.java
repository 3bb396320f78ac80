package dev.gradflow.core.data;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;

/**
 * NumPy's legacy generator, {@code numpy.random.RandomState} with its MT19937 bit generator, reproduced bit for bit:
 * what {@code np.random.seed(s)} followed by {@code np.random.rand} or {@code np.random.randn} returns, so that the
 * book's scripts (which run on NumPy's global legacy generator) can be replayed in Java.
 *
 * <ul>
 *   <li><b>Seeding</b> with an integer s in [0, 2³²) fills the 624 state words by Knuth's rule
 *       ({@code init_genrand}): {@code key[0] = s}, {@code key[i] = 1812433253 · (key[i−1] ⊕ (key[i−1] >>> 30)) + i}
 *       (mod 2³²), and sets the position to 624, so the first draw regenerates the whole state. NumPy takes this
 *       path for an integer seed; {@code init_by_array} (what Python's {@code random.seed} uses) plays no part.</li>
 *   <li><b>Outputs</b> are the standard tempered 32-bit MT19937 words.</li>
 *   <li><b>A uniform double</b> ({@link #randomSample()}) takes two outputs a and b:
 *       {@code ((a >>> 5) · 2²⁶ + (b >>> 6)) / 2⁵³}, a multiple of 2⁻⁵³ in [0, 1).</li>
 *   <li><b>A standard normal</b> ({@link #standardNormal()}) is the legacy Marsaglia polar method: draw
 *       {@code x1 = 2u₁ − 1}, {@code x2 = 2u₂ − 1} until {@code 0 < r² = x1² + x2² < 1}, let
 *       {@code f = √(−2 ln r² / r²)}, return {@code f·x2} and keep {@code f·x1} for the next call. The kept value
 *       survives across calls (and across {@link #snapshot()}), which is why asking for an odd number of normals
 *       leaves one behind: {@code randn(1)} then {@code randn(1)} equals {@code randn(2)}.</li>
 *   <li><b>Arrays</b> are filled in row-major order, one draw per element.</li>
 * </ul>
 *
 * <p>The logarithm is {@link StrictMath#log} (fdlibm), not {@link Math#log}: {@code Math} may use a different
 * implementation on another JVM or CPU, and a training job that resumes on another machine must draw the same
 * numbers. fdlibm and glibc (what NumPy calls on Linux) agree on the values the tests check; in general they may
 * differ in the last bit of a float64 normal, which the float32 rounding of the nnfs data sets absorbs almost
 * always.
 *
 * <p>A generator is mutable and not thread-safe. Its whole position is a {@link State}, a small immutable value that
 * {@link #snapshot()} takes and {@link #restore(State)} resumes from, so a job can store it (in Kafka, say) and
 * continue bit-identically after a crash.
 */
public final class LegacyRandom {
    /** Words in the MT19937 state. */
    public static final int STATE_WORDS = 624;
    /** The largest seed {@code np.random.seed} accepts, 2³² − 1. */
    public static final long MAX_SEED = 0xFFFF_FFFFL;

    private static final int SHIFT = 397;
    private static final int MATRIX_A = 0x9908_B0DF;
    private static final int UPPER_MASK = 0x8000_0000;
    private static final int LOWER_MASK = 0x7FFF_FFFF;
    /** 2²⁶: the high 27 bits of a double's mantissa come from the first output. */
    private static final double HIGH_SCALE = 67_108_864.0;
    /** 2⁵³: together the two outputs give 53 random bits. */
    private static final double FULL_SCALE = 9_007_199_254_740_992.0;

    private final int[] key = new int[STATE_WORDS];
    private int position;
    private boolean hasGauss;
    private double gauss;

    /**
     * A generator in the state {@code np.random.seed(seed)} leaves NumPy's legacy generator in.
     *
     * @param seed in [0, 2³²)
     * @throws IllegalArgumentException for a seed NumPy would reject
     */
    public LegacyRandom(long seed) {
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("seed must be in [0, 2^32), got " + seed);
        }
        key[0] = (int) seed;
        for (int i = 1; i < STATE_WORDS; i++) {
            int previous = key[i - 1];
            // int arithmetic wraps modulo 2³², which is exactly the rule's "mod 2³²".
            key[i] = 1_812_433_253 * (previous ^ (previous >>> 30)) + i;
        }
        position = STATE_WORDS;
    }

    private LegacyRandom(State state) {
        System.arraycopy(state.key, 0, key, 0, STATE_WORDS);
        position = state.position;
        hasGauss = state.hasGauss;
        gauss = state.gauss;
    }

    /** A generator that continues exactly where the one that produced {@code state} stood. */
    public static LegacyRandom restore(State state) {
        return new LegacyRandom(state);
    }

    /** This generator's whole position, as a value: restoring it replays every later draw identically. */
    public State snapshot() {
        return new State(key, position, hasGauss, gauss);
    }

    /** The next 32-bit output, as an unsigned value in [0, 2³²). */
    public long nextUint32() {
        return Integer.toUnsignedLong(nextWord());
    }

    /** A uniform double in [0, 1) with 53 random bits: NumPy's {@code random_sample()} and {@code rand()}. */
    public double randomSample() {
        int high = nextWord() >>> 5;
        int low = nextWord() >>> 6;
        return (high * HIGH_SCALE + low) / FULL_SCALE;
    }

    /** A standard normal value: NumPy's legacy {@code standard_normal()} and {@code randn()}, see the class notes. */
    public double standardNormal() {
        if (hasGauss) {
            double cached = gauss;
            hasGauss = false;
            gauss = 0.0;
            return cached;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * randomSample() - 1.0;
            x2 = 2.0 * randomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * StrictMath.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /**
     * Fills {@code out} with uniform doubles, first element first.
     *
     * @param out Modified: every element is overwritten
     */
    public void fillRandomSample(double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = randomSample();
        }
    }

    /**
     * Fills {@code out} with standard normals, first element first (including a cached value left by an earlier
     * call).
     *
     * @param out Modified: every element is overwritten
     */
    public void fillStandardNormal(double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = standardNormal();
        }
    }

    /** {@code np.random.rand(*shape)}: a float64 tensor of uniform doubles in row-major order. */
    public Tensor rand(int... shape) {
        double[] values = new double[checkedSize(shape)];
        fillRandomSample(values);
        return Tensor.ofDoubles(shape, values);
    }

    /** {@code np.random.randn(*shape)}: a float64 tensor of standard normals in row-major order. */
    public Tensor randn(int... shape) {
        double[] values = new double[checkedSize(shape)];
        fillStandardNormal(values);
        return Tensor.ofDoubles(shape, values);
    }

    private static int checkedSize(int[] shape) {
        long size = 1;
        for (int dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Shapes.format(shape));
            }
            size *= dimension;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Shapes.format(shape) + " has too many elements");
            }
        }
        return (int) size;
    }

    /** The next tempered MT19937 output, its 32 bits in an int. */
    private int nextWord() {
        if (position >= STATE_WORDS) {
            regenerate();
        }
        int y = key[position++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9D2C_5680;
        y ^= (y << 15) & 0xEFC6_0000;
        y ^= y >>> 18;
        return y;
    }

    /** The MT19937 twist: all 624 words at once, as NumPy (and the reference implementation) does. */
    private void regenerate() {
        for (int i = 0; i < STATE_WORDS; i++) {
            int y = (key[i] & UPPER_MASK) | (key[(i + 1) % STATE_WORDS] & LOWER_MASK);
            key[i] = key[(i + SHIFT) % STATE_WORDS] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        position = 0;
    }

    /**
     * The complete position of a {@link LegacyRandom}, the same four fields as NumPy's
     * {@code RandomState.get_state()}: {@code ('MT19937', key, pos, has_gauss, cached_gaussian)}. A value:
     * immutable, compared by content.
     *
     * @param key the 624 state words; each int holds the 32 bits of one unsigned word
     * @param position how many words of the current block were used, in [0, 624]; 624 means the next draw
     *     regenerates the block
     * @param hasGauss whether a normal value is waiting to be returned by the next {@code standardNormal()}
     * @param gauss that value when {@code hasGauss}, otherwise 0 (normalised to 0, as NumPy reports it)
     */
    public record State(int[] key, int position, boolean hasGauss, double gauss) {
        public State {
            if (key.length != STATE_WORDS) {
                throw new IllegalArgumentException("the state needs " + STATE_WORDS + " words, got " + key.length);
            }
            if (position < 0 || position > STATE_WORDS) {
                throw new IllegalArgumentException("position must be in [0, " + STATE_WORDS + "], got " + position);
            }
            if (hasGauss && !Double.isFinite(gauss)) {
                throw new IllegalArgumentException("the cached normal value must be finite, got " + gauss);
            }
            key = key.clone();
            gauss = hasGauss ? gauss : 0.0;
        }

        /** A copy of the 624 state words. */
        @Override
        public int[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof State that && Arrays.equals(key, that.key) && position == that.position
                    && hasGauss == that.hasGauss && Double.compare(gauss, that.gauss) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * Arrays.hashCode(key) + position) + Boolean.hashCode(hasGauss))
                    + Double.hashCode(gauss);
        }

        @Override
        public String toString() {
            return "State[key=<" + STATE_WORDS + " words, first " + Integer.toUnsignedString(key[0])
                    + ">, position=" + position + ", hasGauss=" + hasGauss + ", gauss=" + gauss + "]";
        }
    }
}
