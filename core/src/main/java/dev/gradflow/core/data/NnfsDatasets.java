package dev.gradflow.core.data;

import dev.gradflow.core.tensor.Tensor;

/**
 * The data sets of the {@code nnfs} Python package ("Neural Networks from Scratch"), bit for bit, drawn from a
 * {@link LegacyRandom} as the package draws from NumPy's global legacy generator after {@code nnfs.init()}.
 *
 * <p>The exact float32 roundings matter, because {@code nnfs.init()} makes {@code randn} return float32 and NumPy
 * rounds a Python float to float32 before multiplying a float32 array by it. Each method states its formula with
 * {@code f32(·)} marking a rounding to float32. {@link StrictMath#sin} and {@link StrictMath#cos} (fdlibm) stand in
 * for the C library's; after the float32 rounding they agree with glibc on every value the tests check.
 */
public final class NnfsDatasets {
    /** The seed {@code nnfs.init()} passes to {@code np.random.seed}. */
    public static final long NNFS_SEED = 0;
    /** {@code sine_data}'s default number of samples. */
    public static final int DEFAULT_SINE_SAMPLES = 1000;
    /** nnfs returns class ids as uint8, so more classes would wrap around; they are refused instead. */
    public static final int MAX_CLASSES = 256;

    private static final float SPIRAL_NOISE = 0.2f;
    private static final float VERTICAL_SPREAD = 0.1f;
    private static final float VERTICAL_Y_CENTRE = 0.5f;
    /** The spiral's angle runs over 4 radians per class, and t is multiplied by this before sin and cos. */
    private static final double SPIRAL_TURNS_PER_CLASS = 4.0;
    private static final double SPIRAL_ANGLE_SCALE = 2.5;

    private NnfsDatasets() {
    }

    /**
     * {@code nnfs.init()}'s generator: NumPy's legacy generator seeded with 0. Draw the data set first and then
     * each layer's weights from this one generator, in the order a book script runs, to reproduce its numbers.
     */
    public static LegacyRandom init() {
        return new LegacyRandom(NNFS_SEED);
    }

    /**
     * {@code spiral_data(samples, classes)}: {@code classes} interleaved spiral arms of {@code samples} points
     * each. For class c, on rows {@code samples·c + i}:
     * <ul>
     *   <li>{@code r = linspace(0, 1, samples)[i]} (float64),</li>
     *   <li>{@code t = linspace(4c, 4(c + 1), samples)[i] + f32(f32(g) × f32(0.2))}, g the next standard normal
     *       (the sum is float64, as NumPy adds a float32 array to a float64 one),</li>
     *   <li>{@code x = (f32(r·sin(2.5t)), f32(r·cos(2.5t)))}, {@code y = c}.</li>
     * </ul>
     * Draws {@code samples} normals per class, class by class. Each class's first row has r = 0, so it is (±0, ±0).
     *
     * @param random Modified: advanced by {@code samples · classes} normals
     * @return inputs float32 [samples·classes, 2], class ids float32 [samples·classes]
     */
    public static LabelledData spiralData(int samples, int classes, LegacyRandom random) {
        int rows = checkedRows(samples, classes);
        float[] inputs = new float[rows * 2];
        float[] ids = new float[rows];
        double[] noise = new double[samples];
        for (int c = 0; c < classes; c++) {
            random.fillStandardNormal(noise);
            for (int i = 0; i < samples; i++) {
                int row = samples * c + i;
                double radius = linspace(0.0, 1.0, samples, i);
                double angle = linspace(SPIRAL_TURNS_PER_CLASS * c, SPIRAL_TURNS_PER_CLASS * (c + 1), samples, i)
                        + (double) ((float) noise[i] * SPIRAL_NOISE);
                inputs[2 * row] = (float) (radius * StrictMath.sin(angle * SPIRAL_ANGLE_SCALE));
                inputs[2 * row + 1] = (float) (radius * StrictMath.cos(angle * SPIRAL_ANGLE_SCALE));
                ids[row] = c;
            }
        }
        return new LabelledData(Tensor.ofFloats(new int[] {rows, 2}, inputs), Tensor.ofFloats(new int[] {rows}, ids));
    }

    /**
     * {@code vertical_data(samples, classes)}: {@code classes} vertical clouds, class c centred near (c/3, 0.5).
     * For class c, first {@code samples} normals g₁ are drawn for x, then {@code samples} normals g₂ for y:
     * {@code x = f32(f32(f32(g₁) × f32(0.1)) + f32(c/3))}, {@code y = f32(f32(f32(g₂) × f32(0.1)) + f32(0.5))},
     * each a float32 product then a float32 sum.
     *
     * @param random Modified: advanced by {@code 2 · samples · classes} normals
     * @return inputs float32 [samples·classes, 2], class ids float32 [samples·classes]
     */
    public static LabelledData verticalData(int samples, int classes, LegacyRandom random) {
        int rows = checkedRows(samples, classes);
        float[] inputs = new float[rows * 2];
        float[] ids = new float[rows];
        double[] xNoise = new double[samples];
        double[] yNoise = new double[samples];
        for (int c = 0; c < classes; c++) {
            random.fillStandardNormal(xNoise);
            random.fillStandardNormal(yNoise);
            float xCentre = (float) (c / 3.0);
            for (int i = 0; i < samples; i++) {
                int row = samples * c + i;
                inputs[2 * row] = (float) xNoise[i] * VERTICAL_SPREAD + xCentre;
                inputs[2 * row + 1] = (float) yNoise[i] * VERTICAL_SPREAD + VERTICAL_Y_CENTRE;
                ids[row] = c;
            }
        }
        return new LabelledData(Tensor.ofFloats(new int[] {rows, 2}, inputs), Tensor.ofFloats(new int[] {rows}, ids));
    }

    /** {@link #sineData(int)} with nnfs's default of 1000 samples. */
    public static LabelledData sineData() {
        return sineData(DEFAULT_SINE_SAMPLES);
    }

    /**
     * {@code sine_data(samples)}: {@code x = i / samples} for i = 0 … samples − 1 and {@code y = sin(2π·x)}, both
     * float64 (the package rounds nothing here and draws no random numbers). {@code 2π·x} is evaluated as NumPy
     * does, {@code (2π) × x} with 2π the double nearest it.
     *
     * <p>The inputs are NumPy's bit for bit; the targets are within one ulp of NumPy's. No float32 rounding hides
     * the last bit of the sine here, and no portable choice reproduces it: of the 1000 default values, fdlibm's
     * ({@link StrictMath#sin}, used here because it is the same on every JVM) differ from glibc's in 29 by one
     * ulp, and glibc's are themselves not correctly rounded in 2; NumPy may also use its own SIMD sine on some
     * CPUs.
     *
     * @return inputs float64 [samples, 1], targets float64 [samples, 1]
     */
    public static LabelledData sineData(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        double[] inputs = new double[samples];
        double[] targets = new double[samples];
        for (int i = 0; i < samples; i++) {
            inputs[i] = (double) i / samples;
            targets[i] = StrictMath.sin(2 * Math.PI * inputs[i]);
        }
        return new LabelledData(Tensor.ofDoubles(new int[] {samples, 1}, inputs),
                Tensor.ofDoubles(new int[] {samples, 1}, targets));
    }

    /**
     * Point i of {@code numpy.linspace(start, stop, count)}: {@code i·step + start} with
     * {@code step = (stop − start)/(count − 1)}, except that the last point is {@code stop} itself (that product
     * and sum could miss it by an ulp) and a single point is {@code start}.
     */
    static double linspace(double start, double stop, int count, int i) {
        if (count == 1) {
            return start;
        }
        if (i == count - 1) {
            return stop;
        }
        double step = (stop - start) / (count - 1);
        return i * step + start;
    }

    private static int checkedRows(int samples, int classes) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in [1, " + MAX_CLASSES + "], got " + classes);
        }
        long rows = (long) samples * classes;
        // Two floats per row must fit one Java array.
        if (rows * 2 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(samples + " × " + classes + " rows are too many");
        }
        return (int) rows;
    }
}
