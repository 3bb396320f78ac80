package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads tensors written as nested JSON arrays: a number is a scalar, {@code [1, 2]} a vector, {@code [[1, 2], [3,
 * 4]]} a 2×2 matrix. The nesting must be rectangular and every leaf a finite number.
 */
public final class NestedArrays {
    private NestedArrays() {
    }

    /**
     * The tensor a nested array describes.
     *
     * @param maxElements refuse anything larger, before allocating it
     * @throws DefinitionException naming the element that is ragged, non-numeric or not finite
     */
    public static Tensor toTensor(Object nested, String path, DType dtype, long maxElements) {
        List<Integer> dims = new ArrayList<>();
        Object probe = nested;
        while (probe instanceof List<?> list) {
            if (dims.size() == Shapes.MAX_RANK) {
                throw new DefinitionException(path, "nests deeper than the maximum rank " + Shapes.MAX_RANK);
            }
            dims.add(list.size());
            if (list.isEmpty()) {
                throw new DefinitionException(path, "has an empty array; every dimension must be at least 1");
            }
            probe = list.get(0);
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long elements = 1;
        for (int dim : shape) {
            elements *= dim;
        }
        if (elements > maxElements) {
            throw new DefinitionException(path, "has " + elements + " elements, more than the limit " + maxElements);
        }
        double[] data = new double[(int) elements];
        int[] position = {0};
        fill(nested, path, shape, 0, data, position);
        return Tensor.of(dtype, shape, data);
    }

    private static void fill(Object node, String path, int[] shape, int depth, double[] data, int[] position) {
        if (depth == shape.length) {
            data[position[0]++] = JsonTree.number(node, path);
            return;
        }
        if (!(node instanceof List<?> list)) {
            throw new DefinitionException(path, "expected an array of length " + shape[depth] + " (shape "
                    + Shapes.format(shape) + "), got " + JsonTree.describe(node));
        }
        if (list.size() != shape[depth]) {
            throw new DefinitionException(path, "has length " + list.size() + ", expected " + shape[depth]
                    + " (the array is not rectangular; shape " + Shapes.format(shape) + ")");
        }
        for (int i = 0; i < list.size(); i++) {
            fill(list.get(i), JsonTree.element(path, i), shape, depth + 1, data, position);
        }
    }

    /** The nested-array form of a tensor: a number for a scalar, nested lists otherwise. */
    public static Object toNested(Tensor tensor) {
        int[] shape = tensor.shape();
        if (shape.length == 0) {
            return tensor.readDoubles()[0];
        }
        return nest(tensor.readDoubles(), shape, 0, 0);
    }

    private static List<Object> nest(double[] data, int[] shape, int depth, int offset) {
        int stride = 1;
        for (int i = depth + 1; i < shape.length; i++) {
            stride *= shape[i];
        }
        List<Object> list = new ArrayList<>(shape[depth]);
        for (int i = 0; i < shape[depth]; i++) {
            if (depth == shape.length - 1) {
                list.add(data[offset + i]);
            } else {
                list.add(nest(data, shape, depth + 1, offset + i * stride));
            }
        }
        return list;
    }
}
