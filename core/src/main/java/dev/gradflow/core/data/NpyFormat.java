package dev.gradflow.core.data;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NumPy's {@code .npy} file format, versions 1.0, 2.0 and 3.0, read from and written to bytes. The reader takes
 * untrusted uploads: it parses the header itself (never evaluating it), and checks every size against the bytes
 * present before allocating.
 *
 * <p><b>Layout.</b> The magic {@code \x93NUMPY}, a major and a minor version byte, the header length (an unsigned
 * little-endian 2-byte integer in 1.0, 4-byte in 2.0 and 3.0), the header, then the elements and nothing else. The
 * header is a Python dict literal, ASCII (UTF-8 in 3.0), such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (300, 2), }}, followed by spaces and one final newline.
 * NumPy pads so that the data starts at a multiple of 64 (16 in old files); the reader does not insist on it, as
 * NumPy's own reader does not, since alignment only matters for memory-mapping.
 *
 * <p><b>The header parser</b> accepts exactly the dicts NumPy writes: the three keys {@code 'descr'},
 * {@code 'fortran_order'} and {@code 'shape'}, each once, in any order, single- or double-quoted without escapes;
 * {@code True} or {@code False}; a tuple of non-negative decimal integers without leading zeros, where one element
 * needs its trailing comma ({@code (3,)}; {@code (3)} is not a tuple in Python either); an optional comma after the
 * last entry; spaces or tabs between tokens.
 *
 * <p><b>Element types</b> and what they become:
 * <ul>
 *   <li>{@code f4} → float32 and {@code f8} → float64, bit for bit; {@code f2} (half) → float32, which holds every
 *       half exactly;</li>
 *   <li>{@code i1 i2 i4 i8 u1 u2 u4 u8} and {@code b1} (bool, 0 or 1) → float64. A 64-bit integer that float64
 *       cannot hold exactly (beyond 2⁵³ with low bits set) is refused rather than rounded, naming the element;</li>
 *   <li>little-endian {@code <}, big-endian {@code >} (converted), and {@code |} for one-byte types. Objects
 *       ({@code |O}, a pickle), strings, complex, datetimes and structured dtypes are refused.</li>
 * </ul>
 * NaN and infinite values are refused too, as in {@link CsvDataset}: a data set that holds them cannot train.
 * {@code fortran_order: True} data is transposed into row-major order; shape {@code ()} becomes a rank-0 tensor.
 *
 * <p>The writer produces what {@code numpy.save} produces for a C-ordered {@code <f4} or {@code <f8} array, byte
 * for byte (version 1.0, NumPy's 21-digit growth space after the header, padding to 64).
 */
public final class NpyFormat {
    /** The six bytes every {@code .npy} file starts with. */
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic plus the two version bytes. */
    private static final int PREAMBLE_BYTES = MAGIC.length + 2;
    /** NumPy aligns the start of the data to this many bytes. */
    private static final int ARRAY_ALIGN = 64;
    /** NumPy leaves room in the header for the first dimension to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Longest piece of a bad value quoted in a message. */
    private static final int QUOTE_LIMIT = 40;

    private NpyFormat() {
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @param bytes the whole file; Not modified
     * @param maxElements the most elements the caller accepts, in [0, 2³¹ − 1]
     * @return float32 for {@code f2}/{@code f4} files, float64 for every other accepted dtype, in row-major order
     * @throws DatasetFormatException saying what is wrong with the file and where
     */
    public static Tensor read(byte[] bytes, int maxElements) {
        if (maxElements < 0) {
            throw new IllegalArgumentException("maxElements must be non-negative, got " + maxElements);
        }
        if (bytes == null) {
            throw new DatasetFormatException(".npy: no bytes");
        }
        int headerLengthBytes = readPreamble(bytes);
        int headerStart = PREAMBLE_BYTES + headerLengthBytes;
        long headerLength = headerLengthBytes == 2 ? littleEndianUnsigned(bytes, PREAMBLE_BYTES, 2)
                : littleEndianUnsigned(bytes, PREAMBLE_BYTES, 4);
        if (headerLength > bytes.length - headerStart) {
            throw error(PREAMBLE_BYTES, "truncated header: its length field says " + headerLength + " bytes, "
                    + (bytes.length - headerStart) + " follow");
        }
        String headerText = decodeHeader(bytes, headerStart, (int) headerLength, bytes[6] == 3);
        Header header = new HeaderParser(headerText, headerStart).parse();
        int dataStart = headerStart + (int) headerLength;
        checkSizes(header, bytes.length - dataStart, dataStart, maxElements);
        return decode(header, bytes, dataStart);
    }

    /** Checks magic and version; returns the size of the header length field. */
    private static int readPreamble(byte[] bytes) {
        int magicPresent = Math.min(bytes.length, MAGIC.length);
        for (int i = 0; i < magicPresent; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw error(0, "not a .npy file: it starts with " + printable(bytes, magicPresent)
                        + ", expected the magic " + printable(MAGIC, MAGIC.length));
            }
        }
        if (bytes.length < PREAMBLE_BYTES) {
            throw error(0, "truncated: the magic and version need " + PREAMBLE_BYTES + " bytes, the file has "
                    + bytes.length);
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw error(6, "unsupported .npy format version " + major + "." + minor
                    + ", this reader knows 1.0, 2.0 and 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        if (bytes.length < PREAMBLE_BYTES + lengthBytes) {
            throw error(PREAMBLE_BYTES, "truncated: the header length needs " + lengthBytes + " bytes, "
                    + (bytes.length - PREAMBLE_BYTES) + " remain");
        }
        return lengthBytes;
    }

    private static long littleEndianUnsigned(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    /** Versions 1.0 and 2.0 headers are ASCII (NumPy writes nothing else), 3.0 headers UTF-8. */
    private static String decodeHeader(byte[] bytes, int start, int length, boolean utf8) {
        if (!utf8) {
            for (int i = start; i < start + length; i++) {
                if (bytes[i] < 0) {
                    throw error(i, String.format("header byte 0x%02x is not ASCII (only version 3.0 headers may be "
                            + "UTF-8)", bytes[i] & 0xff));
                }
            }
            return new String(bytes, start, length, StandardCharsets.US_ASCII);
        }
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, length));
            return text.toString();
        } catch (CharacterCodingException e) {
            throw error(start, "the version 3.0 header is not valid UTF-8");
        }
    }

    private static void checkSizes(Header header, long present, int dataStart, int maxElements) {
        long elements = 1;
        long dataBytes;
        try {
            for (int dimension : header.shape) {
                elements = Math.multiplyExact(elements, (long) dimension);
            }
            dataBytes = Math.multiplyExact(elements, (long) header.type.itemSize);
        } catch (ArithmeticException e) {
            throw error(dataStart, "shape " + pythonTuple(header.shape) + " has more elements than fit in 64 bits");
        }
        // Checked before the element limit: a claim the file cannot back is the more basic fault.
        if (dataBytes > present) {
            throw error(dataStart, "truncated data: shape " + pythonTuple(header.shape) + " of '" + header.descr
                    + "' needs " + dataBytes + " bytes, the file has " + present + " after the header");
        }
        if (dataBytes < present) {
            throw error(dataStart + dataBytes, (present - dataBytes) + " unexpected trailing bytes after the data");
        }
        if (elements > maxElements) {
            throw error(dataStart, "shape " + pythonTuple(header.shape) + " has " + elements
                    + " elements, more than the limit of " + maxElements);
        }
    }

    private static Tensor decode(Header header, byte[] bytes, int dataStart) {
        ElementType type = header.type;
        int[] shape = header.shape;
        int elements = Shapes.size(shape);
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice()
                .order(type.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        FileOrder order = new FileOrder(shape, header.fortranOrder);
        if (type.kind == 'f' && type.itemSize != 8) {
            float[] values = new float[elements];
            for (int i = 0; i < elements; i++) {
                float value = type.itemSize == 4 ? data.getFloat(4 * i) : halfToFloat(data.getShort(2 * i));
                if (!Float.isFinite(value)) {
                    throw nonFinite(header, i, dataStart + (long) i * type.itemSize, value);
                }
                values[order.next()] = value;
            }
            return Tensor.ofFloats(shape, values);
        }
        double[] values = new double[elements];
        for (int i = 0; i < elements; i++) {
            int offset = i * type.itemSize;
            double value = switch (type.kind) {
                case 'f' -> data.getDouble(offset);
                case 'b' -> bool(data.get(offset), header, i, dataStart + offset);
                case 'i' -> signed(data, offset, type.itemSize, header, i, dataStart + offset);
                default -> unsigned(data, offset, type.itemSize, header, i, dataStart + offset);
            };
            if (!Double.isFinite(value)) {
                throw nonFinite(header, i, dataStart + (long) offset, value);
            }
            values[order.next()] = value;
        }
        return Tensor.ofDoubles(shape, values);
    }

    private static double bool(byte value, Header header, int element, long at) {
        if (value != 0 && value != 1) {
            throw error(at, "element " + elementName(header, element) + String.format(" is byte 0x%02x, ", value)
                    + "not a bool (0 or 1)");
        }
        return value;
    }

    private static double signed(ByteBuffer data, int offset, int size, Header header, int element, long at) {
        long value = switch (size) {
            case 1 -> data.get(offset);
            case 2 -> data.getShort(offset);
            case 4 -> data.getInt(offset);
            default -> data.getLong(offset);
        };
        if (!fitsDouble(value, true)) {
            throw inexact(header, element, at, Long.toString(value));
        }
        return value;
    }

    private static double unsigned(ByteBuffer data, int offset, int size, Header header, int element, long at) {
        long value = switch (size) {
            case 1 -> data.get(offset) & 0xffL;
            case 2 -> data.getShort(offset) & 0xffffL;
            case 4 -> data.getInt(offset) & 0xffff_ffffL;
            default -> data.getLong(offset);
        };
        if (!fitsDouble(value, false)) {
            throw inexact(header, element, at, Long.toUnsignedString(value));
        }
        // A value with the top bit set is exact only with its low bits clear, so halving loses nothing.
        return value >= 0 ? value : (double) (value >>> 1) * 2.0;
    }

    /**
     * Whether the integer's magnitude spans at most 53 significant bits, exactly what a double can hold. The
     * magnitude of a signed value is its negation when negative (Long.MIN_VALUE, −2⁶³, negates to its own bits,
     * read unsigned); an unsigned value's bits are its magnitude.
     */
    private static boolean fitsDouble(long bits, boolean signed) {
        long magnitude = signed && bits < 0 ? -bits : bits;
        return magnitude == 0
                || 64 - Long.numberOfLeadingZeros(magnitude) - Long.numberOfTrailingZeros(magnitude) <= 53;
    }

    /** IEEE binary16 to binary32, exact: every half, subnormals included, is a float. */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = Math.scalb((float) mantissa, -24);
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    private static DatasetFormatException inexact(Header header, int element, long at, String value) {
        return error(at, "element " + elementName(header, element) + ", " + value
                + ", is not exactly representable as a float64");
    }

    private static DatasetFormatException nonFinite(Header header, int element, long at, double value) {
        return error(at, "element " + elementName(header, element) + " is " + value
                + "; a data set must hold finite numbers");
    }

    /** An element's index in the array, e.g. {@code [1, 0]}, from its position in the file. */
    private static String elementName(Header header, int fileIndex) {
        int[] shape = header.shape;
        int[] index = new int[shape.length];
        int rest = fileIndex;
        for (int step = 0; step < shape.length; step++) {
            // The fastest-varying axis comes first in Fortran order and last in C order.
            int axis = header.fortranOrder ? step : shape.length - 1 - step;
            index[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        return Shapes.format(index);
    }

    /**
     * Walks the row-major positions of the elements in the order the file stores them: 0, 1, 2, … for C order,
     * and with the first axis varying fastest for Fortran order, which transposes while reading.
     */
    private static final class FileOrder {
        private final int[] shape;
        private final int[] strides;
        private final int[] index;
        private final boolean fortran;
        private int position;
        private int count;

        FileOrder(int[] shape, boolean fortran) {
            this.shape = shape;
            this.strides = Shapes.strides(shape);
            this.index = new int[shape.length];
            this.fortran = fortran;
        }

        int next() {
            if (!fortran) {
                return count++;
            }
            int current = position;
            for (int axis = 0; axis < shape.length; axis++) {
                index[axis]++;
                position += strides[axis];
                if (index[axis] < shape[axis]) {
                    break;
                }
                position -= strides[axis] * shape[axis];
                index[axis] = 0;
            }
            return current;
        }
    }

    /**
     * The {@code .npy} version 1.0 bytes of a tensor, {@code <f4} for float32 and {@code <f8} for float64, C order:
     * what {@code numpy.save} writes for the same array.
     *
     * @param tensor Not modified
     */
    public static byte[] write(Tensor tensor) {
        int[] shape = tensor.shape();
        boolean single = tensor.dtype() == DType.FLOAT32;
        StringBuilder header = new StringBuilder("{'descr': '").append(single ? "<f4" : "<f8")
                .append("', 'fortran_order': False, 'shape': ").append(pythonTuple(shape)).append(", }");
        if (shape.length > 0) {
            header.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        }
        int textLength = header.length() + 1;
        int padding = ARRAY_ALIGN - ((PREAMBLE_BYTES + 2 + textLength) % ARRAY_ALIGN);
        header.append(" ".repeat(padding)).append('\n');
        int headerLength = header.length();
        int dataBytes = Math.multiplyExact(tensor.size(), tensor.dtype().bytesPerElement());
        ByteBuffer out = ByteBuffer.allocate(Math.addExact(PREAMBLE_BYTES + 2 + headerLength, dataBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(header.toString().getBytes(StandardCharsets.US_ASCII));
        if (single) {
            out.asFloatBuffer().put(tensor.floats());
        } else {
            out.asDoubleBuffer().put(tensor.doubles());
        }
        return out.array();
    }

    /** A shape as Python writes a tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    private static String pythonTuple(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            text.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return text.append(')').toString();
    }

    private static DatasetFormatException error(long at, String problem) {
        return new DatasetFormatException(".npy at byte " + at + ": " + problem);
    }

    private static String printable(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            text.append(b >= 32 && b < 127 ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
        }
        return text.append('"').toString();
    }

    /** A supported {@code descr}: kind {@code f}, {@code i}, {@code u} or {@code b}, item size and byte order. */
    private record ElementType(char kind, int itemSize, boolean bigEndian) {
        private static final String ACCEPTED = "<f2, <f4, <f8, |i1, |u1, <i2, <u2, <i4, <u4, <i8, <u8, |b1"
                + " (or big-endian, '>')";

        static ElementType parse(String descr, HeaderParser where) {
            if (descr.length() < 2) {
                throw where.fail("unsupported dtype '" + descr + "', expected one of " + ACCEPTED);
            }
            char byteOrder = descr.charAt(0);
            char kind = descr.charAt(1);
            String size = descr.substring(2);
            switch (kind) {
                case 'O' -> throw where.fail("dtype '" + descr + "' holds Python objects (a pickle), which are "
                        + "refused");
                case 'U', 'S', 'a' -> throw where.fail("dtype '" + descr + "' holds strings, not numbers");
                case 'c' -> throw where.fail("dtype '" + descr + "' is complex, which is not supported");
                case 'V' -> throw where.fail("dtype '" + descr + "' is a structured or void type, which is not "
                        + "supported");
                case 'M', 'm' -> throw where.fail("dtype '" + descr + "' holds dates or times, not numbers");
                default -> {
                }
            }
            int itemSize = switch (kind + size) {
                case "f2", "i2", "u2" -> 2;
                case "f4", "i4", "u4" -> 4;
                case "f8", "i8", "u8" -> 8;
                case "i1", "u1", "b1" -> 1;
                default -> throw where.fail("unsupported dtype '" + descr + "', expected one of " + ACCEPTED);
            };
            boolean valid = byteOrder == '<' || byteOrder == '>' || (byteOrder == '|' && itemSize == 1);
            if (!valid) {
                throw where.fail("dtype '" + descr + "' has byte order '" + byteOrder + "'; expected '<' or '>'"
                        + (itemSize == 1 ? " or '|'" : " for a multi-byte type"));
            }
            return new ElementType(kind, itemSize, byteOrder == '>');
        }
    }

    private record Header(String descr, ElementType type, boolean fortranOrder, int[] shape) {
    }

    /** A strict parser for the one dict literal a {@code .npy} header holds; see the class notes for the grammar. */
    private static final class HeaderParser {
        private final String text;
        private final int fileOffset;
        private int position;

        HeaderParser(String text, int fileOffset) {
            this.text = text;
            this.fileOffset = fileOffset;
        }

        DatasetFormatException fail(String problem) {
            return new DatasetFormatException(".npy header, character " + position + " (the header starts at byte "
                    + fileOffset + "): " + problem);
        }

        Header parse() {
            skipSpaces();
            expect('{', "the header must be a dict such as {'descr': '<f8', 'fortran_order': False, "
                    + "'shape': (2, 3), }");
            String descr = null;
            ElementType type = null;
            Boolean fortranOrder = null;
            int[] shape = null;
            while (true) {
                skipSpaces();
                if (peek() == '}') {
                    break;
                }
                int keyStart = position;
                String key = string("a key");
                skipSpaces();
                expect(':', "expected ':' after the key '" + key + "'");
                skipSpaces();
                int valueStart = position;
                switch (key) {
                    case "descr" -> {
                        ensureFirst(descr != null, key, keyStart);
                        if (peek() == '[' || peek() == '{') {
                            throw fail("'descr' is a structured dtype (a list of fields), which is not supported");
                        }
                        descr = string("the value of 'descr'");
                        int after = position;
                        position = valueStart;
                        type = ElementType.parse(descr, this);
                        position = after;
                    }
                    case "fortran_order" -> {
                        ensureFirst(fortranOrder != null, key, keyStart);
                        fortranOrder = bool();
                    }
                    case "shape" -> {
                        ensureFirst(shape != null, key, keyStart);
                        shape = tuple();
                    }
                    default -> {
                        position = keyStart;
                        throw fail("unknown key '" + quote(key) + "', expected 'descr', 'fortran_order' and "
                                + "'shape'");
                    }
                }
                skipSpaces();
                if (peek() == ',') {
                    position++;
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}' after the value of '" + key + "', found " + found());
                }
            }
            position++;
            for (String key : List.of("descr", "fortran_order", "shape")) {
                boolean missing = switch (key) {
                    case "descr" -> descr == null;
                    case "fortran_order" -> fortranOrder == null;
                    default -> shape == null;
                };
                if (missing) {
                    throw fail("the header has no '" + key + "'");
                }
            }
            // NumPy pads with spaces and ends the header with a newline.
            while (position < text.length() - 1 && text.charAt(position) == ' ') {
                position++;
            }
            if (position != text.length() - 1 || text.charAt(position) != '\n') {
                throw fail("after the dict only spaces and a final newline may follow, found " + found());
            }
            return new Header(descr, type, fortranOrder, shape);
        }

        private void ensureFirst(boolean seen, String key, int keyStart) {
            if (seen) {
                position = keyStart;
                throw fail("the key '" + key + "' appears twice");
            }
        }

        private int peek() {
            return position < text.length() ? text.charAt(position) : -1;
        }

        private String found() {
            if (position >= text.length()) {
                return "the end of the header";
            }
            char c = text.charAt(position);
            return c == '\n' ? "a newline" : c < 32 || c == 127 ? String.format("character U+%04X", (int) c)
                    : "'" + c + "'";
        }

        private void skipSpaces() {
            while (peek() == ' ' || peek() == '\t') {
                position++;
            }
        }

        private void expect(char wanted, String problem) {
            if (peek() != wanted) {
                throw fail(problem + ", found " + found());
            }
            position++;
        }

        private String string(String what) {
            int quote = peek();
            if (quote != '\'' && quote != '"') {
                throw fail(what + " must be a quoted string, found " + found());
            }
            int start = ++position;
            while (peek() != quote) {
                if (peek() == -1 || peek() == '\n') {
                    position = start - 1;
                    throw fail("unterminated string");
                }
                if (peek() == '\\') {
                    throw fail("escape sequences are not supported in header strings");
                }
                position++;
            }
            return text.substring(start, position++);
        }

        private boolean bool() {
            int start = position;
            while (Character.isLetter(peek())) {
                position++;
            }
            String word = text.substring(start, position);
            position = start;
            if (word.equals("True") || word.equals("False")) {
                position += word.length();
                return word.equals("True");
            }
            throw fail("the value of 'fortran_order' must be True or False, found "
                    + (word.isEmpty() ? found() : "'" + quote(word) + "'"));
        }

        private int[] tuple() {
            int start = position;
            expect('(', "the value of 'shape' must be a tuple such as (300, 2)");
            List<Integer> dimensions = new ArrayList<>();
            boolean trailingComma = false;
            skipSpaces();
            while (peek() != ')') {
                dimensions.add(dimension());
                skipSpaces();
                trailingComma = peek() == ',';
                if (trailingComma) {
                    position++;
                    skipSpaces();
                } else if (peek() != ')') {
                    throw fail("expected ',' or ')' in the shape, found " + found());
                }
            }
            position++;
            if (dimensions.size() == 1 && !trailingComma) {
                position = start;
                throw fail("the shape (" + dimensions.get(0) + ") is not a tuple: one dimension needs a trailing "
                        + "comma, as in (" + dimensions.get(0) + ",)");
            }
            int[] shape = dimensions.stream().mapToInt(Integer::intValue).toArray();
            if (shape.length > Shapes.MAX_RANK) {
                position = start;
                throw fail("the shape " + pythonTuple(shape) + " has rank " + shape.length + ", more than the "
                        + "maximum " + Shapes.MAX_RANK);
            }
            return shape;
        }

        private int dimension() {
            int start = position;
            if (peek() == '-') {
                throw fail("dimensions must be non-negative, found " + found());
            }
            long value = 0;
            while (peek() >= '0' && peek() <= '9') {
                value = value * 10 + (peek() - '0');
                position++;
                if (value > Integer.MAX_VALUE) {
                    position = start;
                    throw fail("dimension " + quote(digitsFrom(start)) + " is larger than " + Integer.MAX_VALUE);
                }
            }
            if (position == start) {
                throw fail("expected a dimension (a non-negative integer), found " + found());
            }
            if (text.charAt(start) == '0' && position - start > 1) {
                position = start;
                throw fail("dimension " + digitsFrom(start) + " has a leading zero");
            }
            return (int) value;
        }

        private String digitsFrom(int start) {
            int end = start;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            return text.substring(start, end);
        }

        private static String quote(String value) {
            return value.length() <= QUOTE_LIMIT ? value : value.substring(0, QUOTE_LIMIT) + "…";
        }
    }
}
