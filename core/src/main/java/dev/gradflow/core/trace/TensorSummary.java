package dev.gradflow.core.trace;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Locale;

/**
 * A tensor as a picture shows it: every number when there are few ({@value #MAX_EXACT} or fewer), else its shape,
 * min, max, mean and Euclidean norm, so that a large node stays one readable box.
 */
public final class TensorSummary {
    /** The most elements written out in full. */
    public static final int MAX_EXACT = 8;

    private TensorSummary() {
    }

    /** The numbers, or the summary. */
    public static String of(Tensor tensor) {
        double[] values = tensor.toDoubleArray();
        if (values.length <= MAX_EXACT) {
            if (tensor.rank() == 0) {
                return number(values[0]);
            }
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                text.append(i == 0 ? "" : ", ").append(number(values[i]));
            }
            return text.append(']').toString();
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double squares = 0;
        for (double value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
            squares += value * value;
        }
        return Shapes.format(tensor.shape()) + " min " + number(min) + " max " + number(max) + " mean "
                + number(sum / values.length) + " norm " + number(Math.sqrt(squares));
    }

    /** A number as short as it reads exactly: 960 rather than 960.0, at most 6 significant digits otherwise. */
    public static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        String text = String.format(Locale.ROOT, "%.6g", value);
        if (text.contains("e")) {
            return text.replaceAll("\\.?0+e", "e");
        }
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }
}
