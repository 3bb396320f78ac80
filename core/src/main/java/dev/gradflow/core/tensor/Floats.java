package dev.gradflow.core.tensor;

/** Conversions between float64 and float32 arrays: the only places where storage changes width. */
final class Floats {
    private Floats() {
    }

    /** Each element rounded to the nearest float32, into a new array. */
    static float[] round(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    /** Each element as float64 (exact), into a new array. */
    static double[] widen(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
