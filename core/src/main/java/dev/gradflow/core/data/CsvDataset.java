package dev.gradflow.core.data;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CSV file of numbers read into a {@link LabelledData}: some columns are the targets, all the others (in file
 * order) the inputs. The file is an untrusted upload, so parsing is strict and every error names its line (counting
 * from 1) and column.
 *
 * <p><b>Syntax</b> (RFC 4180, narrowed): UTF-8 text, an optional byte order mark; fields separated by commas;
 * records ended by LF or CRLF (a lone CR is refused), the last one optionally; a field either unquoted (containing
 * no {@code "}) or wholly in double quotes with {@code ""} standing for a quote. Spaces and tabs around a field are
 * ignored. A line break inside quotes is refused, so that a line number is a record number. Every record has as many
 * fields as the first. <b>Blank lines are refused</b> anywhere, including a second line break at the end: a blank
 * line in a numeric file is more often a sign of two files pasted together than a harmless gap.
 *
 * <p><b>Header.</b> The first line is a header when <em>none</em> of its fields is a number, and data when all of
 * them are; a first line that mixes the two is refused, since a typo in the first data row must not silently
 * turn it into a header. Header names must be non-empty and distinct.
 *
 * <p><b>Numbers</b> are decimal: an optional sign, digits with an optional point (or a point and digits), an optional
 * exponent, as {@link Double#parseDouble} reads them, but without its NaN and Infinity spellings, hex floats and
 * {@code d}/{@code f} suffixes, and without empty fields. A value that overflows the dtype is refused; float32 values
 * are rounded once, from the parsed double.
 *
 * <p><b>Targets.</b> One target column gives class ids, a vector [N] (what the categorical losses take by
 * default); each value must be a whole number in [0, 2²⁴], which float32 holds exactly. Several target columns give
 * a matrix [N, k] of any values, in the order the caller named them.
 */
public final class CsvDataset {
    /** The largest class id accepted: every whole number up to 2²⁴ is exact in float32. */
    public static final int MAX_CLASS_ID = 1 << 24;
    /** Decimal numbers only; see the class notes. */
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    /** Longest piece of a bad value quoted in a message. */
    private static final int QUOTE_LIMIT = 40;

    private CsvDataset() {
    }

    /**
     * Limits on an upload, checked while reading so that memory stays proportional to what is accepted.
     *
     * @param maxBytes the largest file, in bytes
     * @param maxRows the most data rows (the header not counted)
     * @param maxColumns the most columns, targets included
     */
    public record Limits(int maxBytes, int maxRows, int maxColumns) {
        public Limits {
            if (maxBytes < 1 || maxRows < 1 || maxColumns < 2) {
                throw new IllegalArgumentException("limits must allow at least 1 byte, 1 row and 2 columns, got "
                        + maxBytes + ", " + maxRows + " and " + maxColumns);
            }
        }
    }

    /** Which columns hold the targets: by header name, or by index (from 0) with or without a header. */
    public sealed interface TargetColumns permits ByName, ByIndex {
        static TargetColumns named(String... names) {
            return new ByName(List.of(names));
        }

        static TargetColumns indexed(int... indices) {
            return new ByIndex(Arrays.stream(indices).boxed().toList());
        }

        int count();
    }

    /** Target columns named in the header, in the order the targets should have. */
    public record ByName(List<String> names) implements TargetColumns {
        public ByName {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("name at least one target column");
            }
        }

        @Override
        public int count() {
            return names.size();
        }
    }

    /** Target columns by index from 0, in the order the targets should have. */
    public record ByIndex(List<Integer> indices) implements TargetColumns {
        public ByIndex {
            indices = List.copyOf(indices);
            if (indices.isEmpty()) {
                throw new IllegalArgumentException("give at least one target column");
            }
        }

        @Override
        public int count() {
            return indices.size();
        }
    }

    /**
     * Reads a CSV file; see the class notes for the rules.
     *
     * @param csv the whole file; Not modified
     * @param dtype the dtype of both inputs and targets
     * @return inputs [N, columns − targets]; targets [N] class ids for one target column, else [N, targets]
     * @throws DatasetFormatException saying what is wrong and on which line and column
     */
    public static LabelledData read(byte[] csv, TargetColumns targets, DType dtype, Limits limits) {
        if (csv == null) {
            throw new DatasetFormatException("CSV: no bytes");
        }
        if (csv.length > limits.maxBytes()) {
            throw new DatasetFormatException("CSV: the file has " + csv.length + " bytes, more than the limit of "
                    + limits.maxBytes());
        }
        return new Reader(decode(csv), targets, dtype, limits).read();
    }

    private static String decode(byte[] csv) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(csv)).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetFormatException("CSV: the file is not valid UTF-8 text");
        }
        // Spreadsheet programs often start a UTF-8 file with a byte order mark.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static String quote(String value) {
        String shown = value.length() <= QUOTE_LIMIT ? value : value.substring(0, QUOTE_LIMIT) + "…";
        return "\"" + shown + "\"";
    }

    /** One pass over the text, record by record. */
    private static final class Reader {
        private final String text;
        private final TargetColumns targets;
        private final DType dtype;
        private final Limits limits;
        private int position;
        private int line;
        /** The header's names, or null when the first line is data. */
        private List<String> header;
        private int columns;
        /** For each column, its place among the targets, or −1 for an input column. */
        private int[] targetSlot;
        /** The target columns in the caller's order. */
        private int[] targetOrder;
        /** The current row's values, reused. */
        private double[] row;
        private final DoubleList inputs = new DoubleList();
        private final DoubleList targetValues = new DoubleList();
        private int rows;

        Reader(String text, TargetColumns targets, DType dtype, Limits limits) {
            this.text = text;
            this.targets = targets;
            this.dtype = dtype;
            this.limits = limits;
        }

        LabelledData read() {
            if (text.isEmpty()) {
                throw new DatasetFormatException("CSV: the file is empty");
            }
            while (position < text.length()) {
                line++;
                List<String> fields = record();
                if (line == 1) {
                    columns = fields.size();
                    if (columns < 2) {
                        throw error("has " + columns + " column; a data set needs at least one input and one "
                                + "target column");
                    }
                    if (isHeader(fields)) {
                        header = checkedHeader(fields);
                        resolveTargets();
                        continue;
                    }
                    resolveTargets();
                }
                if (fields.size() < columns) {
                    throw error("has " + fields.size() + " fields, but line 1 has " + columns);
                }
                if (++rows > limits.maxRows()) {
                    throw error("is beyond the limit of " + limits.maxRows() + " data rows");
                }
                // Every field parsed left to right first, so the leftmost bad field is the one reported.
                for (int column = 0; column < columns; column++) {
                    row[column] = number(fields.get(column), column);
                    if (targetSlot[column] < 0) {
                        inputs.add(row[column]);
                    }
                }
                // Targets in the caller's order, which need not be the file's.
                for (int target : targetOrder) {
                    targetValues.add(row[target]);
                }
            }
            if (rows == 0) {
                throw new DatasetFormatException("CSV: the file has a header but no data rows");
            }
            int targetCount = targets.count();
            int[] inputShape = {rows, columns - targetCount};
            int[] targetShape = targetCount == 1 ? new int[] {rows} : new int[] {rows, targetCount};
            return new LabelledData(Tensor.of(dtype, inputShape, inputs.toArray()),
                    Tensor.of(dtype, targetShape, targetValues.toArray()));
        }

        /** Parses one record from {@code position}, leaving {@code position} at the start of the next line. */
        private List<String> record() {
            List<String> fields = new ArrayList<>();
            int lineStart = position;
            boolean anyQuoted = false;
            while (true) {
                int column = fields.size();
                if (line > 1 && column >= columns) {
                    throw error("has more fields than the " + columns + " of line 1");
                }
                if (line == 1 && column >= limits.maxColumns()) {
                    throw error("has more than " + limits.maxColumns() + " columns, the limit");
                }
                skipSpaces();
                String field;
                if (peek() == '"') {
                    anyQuoted = true;
                    field = quotedField(column);
                } else {
                    int start = position;
                    while (peek() != ',' && peek() != '\n' && peek() != '\r' && peek() != -1) {
                        if (peek() == '"') {
                            throw error(column, "a quote inside an unquoted field; quote the whole field");
                        }
                        position++;
                    }
                    field = stripSpacesAndTabs(text.substring(start, position));
                }
                fields.add(field);
                if (peek() == ',') {
                    position++;
                    continue;
                }
                if (peek() == '\r') {
                    if (position + 1 >= text.length() || text.charAt(position + 1) != '\n') {
                        throw error(column, "a carriage return not followed by a line feed");
                    }
                    position++;
                }
                if (peek() == '\n') {
                    position++;
                }
                break;
            }
            if (fields.size() == 1 && !anyQuoted && fields.get(0).isEmpty()) {
                position = lineStart;
                throw error("is blank; blank lines are not allowed (one line break may end the file)");
            }
            return fields;
        }

        private String quotedField(int column) {
            StringBuilder value = new StringBuilder();
            position++;
            while (true) {
                int c = peek();
                if (c == -1) {
                    throw error(column, "the quoted field is not closed");
                }
                if (c == '\n' || c == '\r') {
                    throw error(column, "a line break inside a quoted field is not supported");
                }
                position++;
                if (c == '"') {
                    if (peek() != '"') {
                        break;
                    }
                    position++;
                }
                value.append((char) c);
            }
            skipSpaces();
            if (peek() != ',' && peek() != '\n' && peek() != '\r' && peek() != -1) {
                throw error(column, "characters after the closing quote");
            }
            return value.toString();
        }

        private int peek() {
            return position < text.length() ? text.charAt(position) : -1;
        }

        private void skipSpaces() {
            while (peek() == ' ' || peek() == '\t') {
                position++;
            }
        }

        private boolean isHeader(List<String> fields) {
            int firstName = -1;
            int firstNumber = -1;
            for (int column = 0; column < fields.size(); column++) {
                boolean isNumber = NUMBER.matcher(stripSpacesAndTabs(fields.get(column))).matches();
                if (isNumber && firstNumber < 0) {
                    firstNumber = column;
                } else if (!isNumber && firstName < 0) {
                    firstName = column;
                }
            }
            if (firstName >= 0 && firstNumber >= 0) {
                throw error(firstName, quote(fields.get(firstName)) + " is not a number, but column index "
                        + firstNumber + " is: the first line must be all names (a header) or all numbers");
            }
            return firstName >= 0;
        }

        private List<String> checkedHeader(List<String> names) {
            Map<String, Integer> seen = new HashMap<>();
            for (int column = 0; column < names.size(); column++) {
                String name = names.get(column);
                if (name.isEmpty()) {
                    throw error(column, "the column name is empty");
                }
                Integer earlier = seen.putIfAbsent(name, column);
                if (earlier != null) {
                    throw error(column, "the name " + quote(name) + " was already given to column index " + earlier);
                }
            }
            return List.copyOf(names);
        }

        private void resolveTargets() {
            targetSlot = new int[columns];
            Arrays.fill(targetSlot, -1);
            row = new double[columns];
            targetOrder = new int[targets.count()];
            for (int slot = 0; slot < targetOrder.length; slot++) {
                int column = targetColumn(slot);
                if (targetSlot[column] >= 0) {
                    throw new DatasetFormatException("CSV: target column " + describe(column) + " is given twice");
                }
                targetSlot[column] = slot;
                targetOrder[slot] = column;
            }
            if (targetOrder.length == columns) {
                throw new DatasetFormatException("CSV: every column is a target, which leaves no inputs");
            }
        }

        private int targetColumn(int slot) {
            if (targets instanceof ByIndex byIndex) {
                int index = byIndex.indices().get(slot);
                if (index < 0 || index >= columns) {
                    throw new DatasetFormatException("CSV: target column index " + index + " is outside [0, "
                            + columns + "), the file's columns");
                }
                return index;
            }
            String name = ((ByName) targets).names().get(slot);
            if (header == null) {
                throw new DatasetFormatException("CSV: target columns are named, but line 1 is data, not a header "
                        + "(all its fields are numbers); give the targets' column indices instead");
            }
            int index = header.indexOf(name);
            if (index < 0) {
                throw new DatasetFormatException("CSV: no column is named " + quote(name) + "; the header names "
                        + header.stream().map(CsvDataset::quote).toList());
            }
            return index;
        }

        private double number(String field, int column) {
            String trimmed = stripSpacesAndTabs(field);
            if (trimmed.isEmpty()) {
                throw error(column, "the field is empty, expected a number");
            }
            if (!NUMBER.matcher(trimmed).matches()) {
                throw error(column, quote(field) + " is not a number");
            }
            double value = Double.parseDouble(trimmed);
            if (Double.isInfinite(value)) {
                throw error(column, trimmed + " is outside the float64 range");
            }
            if (dtype == DType.FLOAT32 && Float.isInfinite((float) value)) {
                throw error(column, trimmed + " is outside the float32 range");
            }
            if (targets.count() == 1 && targetSlot[column] == 0
                    && (value != Math.rint(value) || value < 0 || value > MAX_CLASS_ID)) {
                throw error(column, trimmed + " is not a class id (a whole number from 0 to " + MAX_CLASS_ID + ")");
            }
            // + 0.0 turns a class id written "-0" into 0.
            return targets.count() == 1 && targetSlot[column] == 0 ? value + 0.0 : value;
        }

        private String describe(int column) {
            return header != null ? quote(header.get(column)) : "index " + column;
        }

        private DatasetFormatException error(String problem) {
            return new DatasetFormatException("CSV: line " + line + " " + problem);
        }

        private DatasetFormatException error(int column, String problem) {
            String where = header != null && column < header.size() ? "column " + quote(header.get(column))
                    : "column index " + column;
            return new DatasetFormatException("CSV: line " + line + ", " + where + ": " + problem);
        }
    }

    private static String stripSpacesAndTabs(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    /** A growable double[], so rows need no boxing. */
    private static final class DoubleList {
        private double[] values = new double[64];
        private int size;

        void add(double value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
