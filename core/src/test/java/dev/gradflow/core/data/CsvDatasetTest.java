package dev.gradflow.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.data.CsvDataset.Limits;
import dev.gradflow.core.data.CsvDataset.TargetColumns;
import dev.gradflow.core.tensor.DType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CsvDatasetTest {
    private static final Limits LIMITS = new Limits(10_000, 100, 10);

    private static LabelledData read(String csv, TargetColumns targets, DType dtype) {
        return CsvDataset.read(csv.getBytes(StandardCharsets.UTF_8), targets, dtype, LIMITS);
    }

    private static void assertRejected(String csv, TargetColumns targets, String message) {
        assertRejected(csv, targets, LIMITS, message);
    }

    private static void assertRejected(String csv, TargetColumns targets, Limits limits, String message) {
        assertThatThrownBy(() -> CsvDataset.read(csv.getBytes(StandardCharsets.UTF_8), targets, DType.FLOAT64,
                limits)).isInstanceOf(DatasetFormatException.class).hasMessage(message);
    }

    @Test
    void readsAHeaderAndClassIdTargetsByName() {
        LabelledData data = read("x1,x2,label\n0.5,-1,2\n1e-3,4.25,0\n", TargetColumns.named("label"),
                DType.FLOAT64);
        assertThat(data.inputs().shape()).containsExactly(2, 2);
        assertThat(data.inputs().doubles()).containsExactly(0.5, -1, 1e-3, 4.25);
        assertThat(data.targets().shape()).containsExactly(2);
        assertThat(data.targets().doubles()).containsExactly(2, 0);
    }

    @Test
    void readsWithoutAHeaderTargetsByIndexInTheCallersOrder() {
        LabelledData data = read("1,2,3,4\r\n5,6,7,8", TargetColumns.indexed(3, 0), DType.FLOAT64);
        assertThat(data.inputs().doubles()).containsExactly(2, 3, 6, 7);
        assertThat(data.targets().shape()).containsExactly(2, 2);
        assertThat(data.targets().doubles()).containsExactly(4, 1, 8, 5);
    }

    @Test
    void roundsFloat32OnceFromTheParsedDouble() {
        LabelledData data = read("a,b\n0.1,1\n", TargetColumns.named("b"), DType.FLOAT32);
        assertThat(data.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(data.inputs().floats()).containsExactly(0.1f);
        assertThat(data.targets().floats()).containsExactly(1f);
    }

    @Test
    void acceptsQuotedFieldsSpacesAndAByteOrderMark() {
        LabelledData data = read("\uFEFF\"x, first\", \"say \"\"y\"\"\" ,z\n \"1.5\" , 2 ,\t3\t\n",
                TargetColumns.named("z"), DType.FLOAT64);
        assertThat(data.inputs().doubles()).containsExactly(1.5, 2);
        assertThat(data.targets().doubles()).containsExactly(3);
        assertThat(read("\"x\",\"say \"\"y\"\"\"\n1,2\n", TargetColumns.named("say \"y\""), DType.FLOAT64)
                .targets().doubles()).containsExactly(2);
    }

    @Test
    void rejectsBadNumbersNamingLineAndColumn() {
        String header = "x1,x2,y\n1,2,0\n";
        TargetColumns y = TargetColumns.named("y");
        assertRejected(header + "1,abc,0\n", y, "CSV: line 3, column \"x2\": \"abc\" is not a number");
        assertRejected(header + "1,NaN,0\n", y, "CSV: line 3, column \"x2\": \"NaN\" is not a number");
        assertRejected(header + "Infinity,1,0\n", y, "CSV: line 3, column \"x1\": \"Infinity\" is not a number");
        assertRejected(header + "0x1p3,1,0\n", y, "CSV: line 3, column \"x1\": \"0x1p3\" is not a number");
        assertRejected(header + "1.5f,1,0\n", y, "CSV: line 3, column \"x1\": \"1.5f\" is not a number");
        assertRejected(header + "1,,0\n", y, "CSV: line 3, column \"x2\": the field is empty, expected a number");
        assertRejected(header + "1,1e400,0\n", y, "CSV: line 3, column \"x2\": 1e400 is outside the float64 range");
        assertRejected(header + "1,2,1.5\n", y,
                "CSV: line 3, column \"y\": 1.5 is not a class id (a whole number from 0 to 16777216)");
        assertRejected(header + "1,2,-1\n", y,
                "CSV: line 3, column \"y\": -1 is not a class id (a whole number from 0 to 16777216)");
        assertRejected("1,x\n", TargetColumns.indexed(0),
                "CSV: line 1, column index 1: \"x\" is not a number, but column index 0 is: the first line must be "
                        + "all names (a header) or all numbers");
        assertRejected("1,2\n3,x\n", TargetColumns.indexed(0), "CSV: line 2, column index 1: \"x\" is not a number");
        assertThatThrownBy(() -> CsvDataset.read("a,b\n3e38,1\n4e38,1\n".getBytes(StandardCharsets.UTF_8),
                TargetColumns.named("b"), DType.FLOAT32, LIMITS)).hasMessage(
                        "CSV: line 3, column \"a\": 4e38 is outside the float32 range");
    }

    @Test
    void rejectsBadStructure() {
        TargetColumns second = TargetColumns.indexed(1);
        assertRejected("", second, "CSV: the file is empty");
        assertRejected("1,2\n\n3,4\n", second,
                "CSV: line 2 is blank; blank lines are not allowed (one line break may end the file)");
        assertRejected("1,2\n3,4\n\n", second,
                "CSV: line 3 is blank; blank lines are not allowed (one line break may end the file)");
        assertRejected("1,2\n3,4,5\n", second, "CSV: line 2 has more fields than the 2 of line 1");
        assertRejected("1,2,3\n3,4\n", second, "CSV: line 2 has 2 fields, but line 1 has 3");
        assertRejected("1,2\r3,4\n", second, "CSV: line 1, column index 1: a carriage return not followed by a "
                + "line feed");
        assertRejected("1,\"2\n3\",4\n", second,
                "CSV: line 1, column index 1: a line break inside a quoted field is not supported");
        assertRejected("1,\"2", second, "CSV: line 1, column index 1: the quoted field is not closed");
        assertRejected("1,\"2\"x\n", second, "CSV: line 1, column index 1: characters after the closing quote");
        assertRejected("1,2\n1,2\"\n", second,
                "CSV: line 2, column index 1: a quote inside an unquoted field; quote the whole field");
        assertRejected("a,b\n", second, "CSV: the file has a header but no data rows");
        assertRejected("a\n1\n", second, "CSV: line 1 has 1 column; a data set needs at least one input and one "
                + "target column");
        assertRejected("a,,c\n1,2,3\n", second, "CSV: line 1, column index 1: the column name is empty");
        assertRejected("a,b,a\n1,2,3\n", second,
                "CSV: line 1, column index 2: the name \"a\" was already given to column index 0");
        assertThatThrownBy(() -> CsvDataset.read(new byte[] {'1', ',', (byte) 0xff}, second, DType.FLOAT64, LIMITS))
                .hasMessage("CSV: the file is not valid UTF-8 text");
    }

    @Test
    void rejectsBadTargetChoices() {
        assertRejected("1,2\n", TargetColumns.named("y"), "CSV: target columns are named, but line 1 is data, not "
                + "a header (all its fields are numbers); give the targets' column indices instead");
        assertRejected("a,b\n1,2\n", TargetColumns.named("y"),
                "CSV: no column is named \"y\"; the header names [\"a\", \"b\"]");
        assertRejected("1,2\n", TargetColumns.indexed(2), "CSV: target column index 2 is outside [0, 2), the file's "
                + "columns");
        assertRejected("1,2,3\n", TargetColumns.indexed(1, 1), "CSV: target column index 1 is given twice");
        assertRejected("a,b\n1,2\n", TargetColumns.named("a", "b"), "CSV: every column is a target, which leaves no "
                + "inputs");
    }

    @Test
    void enforcesTheCallersLimits() {
        TargetColumns first = TargetColumns.indexed(0);
        assertRejected("1,2\n3,4\n", first, new Limits(7, 10, 10), "CSV: the file has 8 bytes, more than the limit "
                + "of 7");
        assertRejected("1,2\n3,4\n5,6\n", first, new Limits(100, 2, 10), "CSV: line 3 is beyond the limit of 2 data "
                + "rows");
        assertRejected("a,b,c\n1,2,3\n", first, new Limits(100, 2, 2), "CSV: line 1 has more than 2 columns, the "
                + "limit");
        assertThat(CsvDataset.read("a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8), first, DType.FLOAT64,
                new Limits(12, 2, 2)).samples()).isEqualTo(2);
    }
}
