package dev.gradflow.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Reads the files NumPy 2.4.6 wrote (resources {@code npy/}, made by {@code make_npy_fixtures.py}), and checks every
 * rejection with hand-made headers.
 */
class NpyFormatTest {
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private static byte[] fixture(String name) {
        try (InputStream in = NpyFormatTest.class.getResourceAsStream("npy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tensor read(String name) {
        return NpyFormat.read(fixture(name), NO_LIMIT);
    }

    /** A version 1.0 file with the given header dict (padded as NumPy pads) and data bytes. */
    private static byte[] npy(String dict, byte[] data) {
        return npy(1, dict, data);
    }

    private static byte[] npy(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        StringBuilder header = new StringBuilder(dict);
        while ((8 + lengthBytes + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + lengthBytes + text.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            out.putShort((short) text.length);
        } else {
            out.putInt(text.length);
        }
        return out.put(text).put(data).array();
    }

    private static String dict(String descr, String fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    private static void assertRejected(byte[] file, String message) {
        assertThatThrownBy(() -> NpyFormat.read(file, NO_LIMIT)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(message);
    }

    private static void assertHeaderRejected(String dict, String message) {
        assertRejected(npy(dict, new byte[0]), message);
    }

    @Test
    void readsFloat32BitForBit() {
        Tensor tensor = read("f4_2x3.npy");
        assertThat(tensor.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(tensor.shape()).containsExactly(2, 3);
        assertThat(tensor.floats()).containsExactly(0.1f, -2.5f, 3.0f, 1e-7f, 65504.0f, -0.0f);
        assertThat(Float.floatToRawIntBits(tensor.floats()[5])).isEqualTo(0x8000_0000);
    }

    @Test
    void readsFloat64IncludingSubnormals() {
        Tensor tensor = read("f8_4.npy");
        assertThat(tensor.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(tensor.doubles()).containsExactly(0.1, -2.5, 1e300, Double.MIN_VALUE);
    }

    @Test
    void convertsBigEndianFloats() {
        assertThat(read("f4_big_endian_2x2.npy").floats()).containsExactly(0.1f, -2.5f, 3.0f, 7.25f);
        assertThat(read("f8_big_endian_3.npy").doubles()).containsExactly(0.1, -2.5, 1e300);
    }

    @Test
    void widensHalfFloatsExactlyToFloat32() {
        Tensor tensor = read("f2_4.npy");
        assertThat(tensor.dtype()).isEqualTo(DType.FLOAT32);
        // The halves nearest 0.1 and 6e-8 (a subnormal, 2^-24), as NumPy's float16 -> float32 gives them.
        assertThat(tensor.floats()).containsExactly(0.0999755859375f, -2.5f, 65504.0f, 5.9604645e-8f);
    }

    @Test
    void transposesFortranOrderIntoRowMajor() {
        Tensor matrix = read("f8_fortran_2x3.npy");
        assertThat(matrix.shape()).containsExactly(2, 3);
        assertThat(matrix.doubles()).containsExactly(0, 1, 2, 10, 11, 12);

        Tensor fortran = read("f4_fortran_2x3x4.npy");
        Tensor rowMajor = read("f4_2x3x4.npy");
        assertThat(fortran.shape()).containsExactly(2, 3, 4);
        assertThat(fortran).isEqualTo(rowMajor);
        assertThat(rowMajor.floats()[1 * 12 + 2 * 4 + 3]).isEqualTo(123f);
    }

    @Test
    void readsScalarsAsRankZeroAndEmptyArrays() {
        Tensor scalar = read("f8_scalar.npy");
        assertThat(scalar.rank()).isZero();
        assertThat(scalar.item()).isEqualTo(3.5);

        Tensor empty = read("f8_empty_0x3.npy");
        assertThat(empty.shape()).containsExactly(0, 3);
        assertThat(empty.size()).isZero();
    }

    @Test
    void widensIntegersAndBooleansExactlyToFloat64() {
        assertThat(read("u1_4.npy").doubles()).containsExactly(0, 1, 128, 255);
        assertThat(read("i1_4.npy").doubles()).containsExactly(0, -1, -128, 127);
        assertThat(read("i2_3.npy").doubles()).containsExactly(-32768, 0, 32767);
        assertThat(read("u2_3.npy").doubles()).containsExactly(0, 1, 65535);
        assertThat(read("i4_3.npy").doubles()).containsExactly(-2147483648.0, 7, 2147483647.0);
        assertThat(read("u4_3.npy").doubles()).containsExactly(0, 7, 4294967295.0);
        Tensor i8 = read("i8_2x2.npy");
        assertThat(i8.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(i8.doubles()).containsExactly(-0x1p63, -0x1p53, 0x1p53, 0x1p62 + 0x1p10);
        assertThat(read("i8_big_endian_2.npy").doubles()).containsExactly(-3, 0x1p40);
        assertThat(read("u8_3.npy").doubles()).containsExactly(0, 0x1p53, 0x1p64 - 0x1p11);
        assertThat(read("b1_5.npy").doubles()).containsExactly(1, 0, 0, 1, 1);
    }

    @Test
    void readsVersionTwoAndThreeHeaders() {
        Tensor v2 = read("f8_v2_2x2.npy");
        assertThat(v2.shape()).containsExactly(2, 2);
        assertThat(v2.doubles()).containsExactly(1, 2, 3, 4);
        assertThat(read("f8_v3_2.npy").doubles()).containsExactly(1.5, -1.5);
    }

    @Test
    void acceptsKeysInAnyOrderDoubleQuotesAndNoTrailingComma() {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(2.5).array();
        Tensor tensor = NpyFormat.read(npy("{\"shape\": (1,), 'fortran_order': False, 'descr': '<f8'}", data),
                NO_LIMIT);
        assertThat(tensor.doubles()).containsExactly(2.5);
    }

    @Test
    void writesWhatNumpySaveWrites() {
        assertThat(NpyFormat.write(read("f4_2x3.npy"))).isEqualTo(fixture("f4_2x3.npy"));
        assertThat(NpyFormat.write(read("f8_4.npy"))).isEqualTo(fixture("f8_4.npy"));
        assertThat(NpyFormat.write(read("f4_2x3x4.npy"))).isEqualTo(fixture("f4_2x3x4.npy"));
        assertThat(NpyFormat.write(read("f8_scalar.npy"))).isEqualTo(fixture("f8_scalar.npy"));
        assertThat(NpyFormat.write(read("f8_empty_0x3.npy"))).isEqualTo(fixture("f8_empty_0x3.npy"));
    }

    @Test
    void roundTripsAWrittenTensor() {
        Tensor tensor = Tensor.ofFloats(new int[] {3, 1, 2}, new float[] {1, -2, 3.5f, 0.1f, 1e30f, -0f});
        assertThat(NpyFormat.read(NpyFormat.write(tensor), NO_LIMIT)).isEqualTo(tensor);
    }

    @Test
    void rejectsBadMagicVersionsAndTruncatedHeaders() {
        assertRejected("\u0093NUMPX".getBytes(StandardCharsets.ISO_8859_1),
                ".npy at byte 0: not a .npy file: it starts with \"\\x93NUMPX\", expected the magic \"\\x93NUMPY\"");
        assertRejected("PK\u0003".getBytes(StandardCharsets.ISO_8859_1),
                ".npy at byte 0: not a .npy file: it starts with \"PK\\x03\", expected the magic \"\\x93NUMPY\"");
        assertRejected(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1},
                ".npy at byte 0: truncated: the magic and version need 8 bytes, the file has 7");
        byte[] version4 = fixture("f8_4.npy");
        version4[6] = 4;
        assertRejected(version4, ".npy at byte 6: unsupported .npy format version 4.0, this reader knows 1.0, 2.0 "
                + "and 3.0");
        byte[] version11 = fixture("f8_4.npy");
        version11[7] = 1;
        assertRejected(version11, ".npy at byte 6: unsupported .npy format version 1.1, this reader knows 1.0, 2.0 "
                + "and 3.0");
        assertRejected(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 1, 0},
                ".npy at byte 8: truncated: the header length needs 4 bytes, 2 remain");
        byte[] whole = fixture("f8_4.npy");
        assertRejected(Arrays.copyOf(whole, 100),
                ".npy at byte 8: truncated header: its length field says 118 bytes, 90 follow");
    }

    @Test
    void rejectsNonAsciiHeadersBeforeVersionThree() {
        byte[] file = fixture("f8_4.npy");
        file[20] = (byte) 0xe9;
        assertRejected(file, ".npy at byte 20: header byte 0xe9 is not ASCII (only version 3.0 headers may be UTF-8)");
    }

    @Test
    void rejectsHeadersThatAreNotTheExpectedDict() {
        String at = ".npy header, character ";
        String start = " (the header starts at byte 10): ";
        assertHeaderRejected("['descr']", at + 0 + start + "the header must be a dict such as {'descr': '<f8', "
                + "'fortran_order': False, 'shape': (2, 3), }, found '['");
        assertHeaderRejected("{'descr': '<f8', 'fortran_order': False}", at + 40 + start
                + "the header has no 'shape'");
        assertHeaderRejected("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", at + 17
                + start + "the key 'descr' appears twice");
        assertHeaderRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", at + 56 + start
                + "unknown key 'x', expected 'descr', 'fortran_order' and 'shape'");
        assertHeaderRejected("{descr: '<f8'}", at + 1 + start + "a key must be a quoted string, found 'd'");
        assertHeaderRejected("{'descr' '<f8'}", at + 9 + start + "expected ':' after the key 'descr', found '''");
        assertHeaderRejected("{'descr': '<f8}", at + 10 + start + "unterminated string");
        assertHeaderRejected("{'descr': '<f\\x38'}", at + 13 + start
                + "escape sequences are not supported in header strings");
        assertHeaderRejected(dict("<f8", "0", "(2,)"), at + 34 + start
                + "the value of 'fortran_order' must be True or False, found '0'");
        assertHeaderRejected(dict("<f8", "true", "(2,)"), at + 34 + start
                + "the value of 'fortran_order' must be True or False, found 'true'");
        assertHeaderRejected(dict("<f8", "False", "[2]"), at + 50 + start
                + "the value of 'shape' must be a tuple such as (300, 2), found '['");
        assertHeaderRejected(dict("<f8", "False", "(2)"), at + 50 + start
                + "the shape (2) is not a tuple: one dimension needs a trailing comma, as in (2,)");
        assertHeaderRejected(dict("<f8", "False", "(2, -3)"), at + 54 + start
                + "dimensions must be non-negative, found '-'");
        assertHeaderRejected(dict("<f8", "False", "(2, 03)"), at + 54 + start + "dimension 03 has a leading zero");
        assertHeaderRejected(dict("<f8", "False", "(2L, 3L)"), at + 52 + start
                + "expected ',' or ')' in the shape, found 'L'");
        assertHeaderRejected(dict("<f8", "False", "(2,,)"), at + 53 + start
                + "expected a dimension (a non-negative integer), found ','");
        assertHeaderRejected(dict("<f8", "False", "(3000000000,)"), at + 51 + start
                + "dimension 3000000000 is larger than 2147483647");
        assertHeaderRejected(dict("<f8", "False", "(1, 1, 1, 1, 1, 1, 1, 1, 1)"), at + 50 + start
                + "the shape (1, 1, 1, 1, 1, 1, 1, 1, 1) has rank 9, more than the maximum 8");
        assertHeaderRejected("{'descr': '<f8' 'fortran_order': False, 'shape': (2,)}", at + 16 + start
                + "expected ',' or '}' after the value of 'descr', found '''");
    }

    @Test
    void rejectsWhatFollowsTheDictUnlessSpacesAndANewline() {
        byte[] file = npy(dict("<f8", "False", "(0,)") + "x", new byte[0]);
        assertRejected(file, ".npy header, character 57 (the header starts at byte 10): after the dict only spaces "
                + "and a final newline may follow, found 'x'");
        String noNewline = dict("<f8", "False", "(0,)") + " ".repeat(6);
        byte[] text = noNewline.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer raw = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        assertRejected(raw.array(), ".npy header, character 62 (the header starts at byte 10): after the dict only "
                + "spaces and a final newline may follow, found ' '");
    }

    @Test
    void rejectsUnsupportedDtypesWrittenByNumpy() {
        String start = " (the header starts at byte 10): ";
        assertRejected(fixture("object_2.npy"), ".npy header, character 10" + start
                + "dtype '|O' holds Python objects (a pickle), which are refused");
        assertRejected(fixture("unicode_2.npy"), ".npy header, character 10" + start
                + "dtype '<U2' holds strings, not numbers");
        assertRejected(fixture("complex_2.npy"), ".npy header, character 10" + start
                + "dtype '<c16' is complex, which is not supported");
        assertRejected(fixture("structured_2.npy"), ".npy header, character 10" + start
                + "'descr' is a structured dtype (a list of fields), which is not supported");
    }

    @Test
    void rejectsUnknownDtypesAndByteOrders() {
        String start = ".npy header, character 10 (the header starts at byte 10): ";
        String accepted = "expected one of <f2, <f4, <f8, |i1, |u1, <i2, <u2, <i4, <u4, <i8, <u8, |b1 "
                + "(or big-endian, '>')";
        assertHeaderRejected(dict("<f16", "False", "(1,)"), start + "unsupported dtype '<f16', " + accepted);
        assertHeaderRejected(dict("<i3", "False", "(1,)"), start + "unsupported dtype '<i3', " + accepted);
        assertHeaderRejected(dict("f8", "False", "(1,)"), start + "unsupported dtype 'f8', " + accepted);
        assertHeaderRejected(dict("|f8", "False", "(1,)"), start
                + "dtype '|f8' has byte order '|'; expected '<' or '>' for a multi-byte type");
        assertHeaderRejected(dict("=f8", "False", "(1,)"), start
                + "dtype '=f8' has byte order '='; expected '<' or '>' for a multi-byte type");
        assertHeaderRejected(dict("<M8[s]", "False", "(1,)"), start + "dtype '<M8[s]' holds dates or times, not "
                + "numbers");
    }

    @Test
    void rejectsAHugeShapeInATinyFileBeforeAllocating() {
        // 10^12 float64 elements would need 8 TB; the check must come before any allocation.
        byte[] file = npy(dict("<f8", "False", "(1000000, 1000000)"), new byte[72]);
        assertThat(file.length).isEqualTo(200);
        assertRejected(file, ".npy at byte 128: truncated data: shape (1000000, 1000000) of '<f8' needs "
                + "8000000000000 bytes, the file has 72 after the header");
    }

    @Test
    void rejectsShapesWhoseSizeOverflows() {
        assertRejected(npy(dict("<f8", "False", "(2147483647, 2147483647, 2147483647)"), new byte[0]),
                ".npy at byte 128: shape (2147483647, 2147483647, 2147483647) has more elements than fit in 64 bits");
        assertRejected(npy(dict("<f8", "False", "(1073741824, 1073741824, 8)"), new byte[0]),
                ".npy at byte 128: shape (1073741824, 1073741824, 8) has more elements than fit in 64 bits");
    }

    @Test
    void rejectsTruncatedAndTrailingData() {
        assertRejected(npy(dict("<f4", "False", "(2, 3)"), new byte[20]),
                ".npy at byte 128: truncated data: shape (2, 3) of '<f4' needs 24 bytes, the file has 20 after the "
                        + "header");
        byte[] whole = fixture("f8_4.npy");
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        assertRejected(longer, ".npy at byte 160: 3 unexpected trailing bytes after the data");
    }

    @Test
    void rejectsMoreElementsThanTheCallerAllows() {
        assertThat(NpyFormat.read(fixture("f4_2x3x4.npy"), 24).size()).isEqualTo(24);
        assertThatThrownBy(() -> NpyFormat.read(fixture("f4_2x3x4.npy"), 23))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(".npy at byte 128: shape (2, 3, 4) has 24 elements, more than the limit of 23");
    }

    @Test
    void rejectsIntegersThatFloat64CannotHoldExactly() {
        assertRejected(fixture("i8_inexact.npy"),
                ".npy at byte 152: element [3], 9007199254740993, is not exactly representable as a float64");
        assertRejected(fixture("u8_inexact.npy"),
                ".npy at byte 128: element [0], 18446744073709551615, is not exactly representable as a float64");
    }

    @Test
    void rejectsBoolBytesOtherThanZeroOrOne() {
        byte[] file = fixture("b1_5.npy");
        file[file.length - 2] = 2;
        assertRejected(file, ".npy at byte 131: element [3] is byte 0x02, not a bool (0 or 1)");
    }

    @Test
    void rejectsNonFiniteValuesNamingTheElementInArrayOrder() {
        ByteBuffer data = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            data.putDouble(i == 3 ? Double.NaN : i);
        }
        // In Fortran order the fourth stored element of a (2, 3) array is [1, 1].
        assertRejected(npy(dict("<f8", "True", "(2, 3)"), data.array()),
                ".npy at byte 152: element [1, 1] is NaN; a data set must hold finite numbers");
        byte[] floats = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(Float.NEGATIVE_INFINITY).array();
        assertRejected(npy(dict("<f4", "False", "(1,)"), floats),
                ".npy at byte 128: element [0] is -Infinity; a data set must hold finite numbers");
    }

    @Test
    void readsAHandMadeVersionTwoFile() {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(-4.5).array();
        assertThat(NpyFormat.read(npy(2, dict(">f8", "False", "()"), data), NO_LIMIT).item()).isEqualTo(-4.5);
    }

    @Test
    void convertsEveryHalfExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = NpyFormat.halfToFloat((short) bits);
            int exponent = (bits >>> 10) & 0x1f;
            if (exponent == 0x1f) {
                assertThat(Float.isFinite(value)).isFalse();
                continue;
            }
            double magnitude = exponent == 0 ? (bits & 0x3ff) * 0x1p-24
                    : (1024 + (bits & 0x3ff)) * Math.scalb(1.0, exponent - 25);
            assertThat((double) value).isEqualTo((bits & 0x8000) != 0 ? -magnitude : magnitude);
        }
    }
}
