package dev.gradflow.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The branch-free ReLU rules give exactly the bits of the comparisons they replace. */
class PositiveGateTest {
    private static final float[] SPECIAL_FLOATS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        -Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc0_0000), Float.intBitsToFloat(0x7f80_0001),
        Float.intBitsToFloat(0xff80_0001), Float.intBitsToFloat(0x7fff_ffff)};
    private static final double[] SPECIAL_DOUBLES = {0d, -0d, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, -Double.MIN_NORMAL, 1d, -1d, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
        Double.longBitsToDouble(0xfff8_0000_0000_0000L), Double.longBitsToDouble(0x7ff0_0000_0000_0001L),
        Double.longBitsToDouble(0xfff0_0000_0000_0001L), Double.longBitsToDouble(0x7fff_ffff_ffff_ffffL)};

    private static float expectedPositivePart(float x) {
        return x > 0 ? x : 0f;
    }

    private static float expectedPass(float value, float gate) {
        return gate > 0 ? value : 0f;
    }

    @Test
    void floatSpecialValuesMatchTheComparisonBitForBit() {
        for (float x : SPECIAL_FLOATS) {
            assertThat(Float.floatToRawIntBits(PositiveGate.positivePart(x)))
                    .as("positivePart(%s)", Float.toHexString(x))
                    .isEqualTo(Float.floatToRawIntBits(expectedPositivePart(x)));
            for (float gate : SPECIAL_FLOATS) {
                assertThat(Float.floatToRawIntBits(PositiveGate.pass(x, gate)))
                        .as("pass(%s, %s)", Float.toHexString(x), Float.toHexString(gate))
                        .isEqualTo(Float.floatToRawIntBits(expectedPass(x, gate)));
            }
        }
    }

    @Test
    void doubleSpecialValuesMatchTheComparisonBitForBit() {
        for (double x : SPECIAL_DOUBLES) {
            assertThat(Double.doubleToRawLongBits(PositiveGate.positivePart(x)))
                    .as("positivePart(%s)", Double.toHexString(x))
                    .isEqualTo(Double.doubleToRawLongBits(x > 0 ? x : 0d));
            for (double gate : SPECIAL_DOUBLES) {
                assertThat(Double.doubleToRawLongBits(PositiveGate.pass(x, gate)))
                        .as("pass(%s, %s)", Double.toHexString(x), Double.toHexString(gate))
                        .isEqualTo(Double.doubleToRawLongBits(gate > 0 ? x : 0d));
            }
        }
    }

    /** Every 251st float bit pattern (about 17 million, both signs, every exponent, NaN payloads included). */
    @Test
    void aSweepOfFloatBitPatternsMatchesTheComparison() {
        float value = -2.5f;
        for (long bits = 0; bits <= 0xffff_ffffL; bits += 251) {
            float x = Float.intBitsToFloat((int) bits);
            if (Float.floatToRawIntBits(PositiveGate.positivePart(x))
                    != Float.floatToRawIntBits(expectedPositivePart(x))
                    || Float.floatToRawIntBits(PositiveGate.pass(value, x))
                    != Float.floatToRawIntBits(expectedPass(value, x))) {
                throw new AssertionError("differs at bits 0x" + Long.toHexString(bits));
            }
        }
    }

    /** The same sweep over doubles: every exponent and sign, with mantissas spread by a stride. */
    @Test
    void aSweepOfDoubleBitPatternsMatchesTheComparison() {
        double value = -0d;
        for (long high = 0; high < 1 << 12; high++) {
            for (long low = 0; low < 1L << 52; low += (1L << 52) / 997 + 1) {
                for (long edge : new long[] {low, (1L << 52) - 1 - low}) {
                    double x = Double.longBitsToDouble(high << 52 | edge);
                    if (Double.doubleToRawLongBits(PositiveGate.positivePart(x))
                            != Double.doubleToRawLongBits(x > 0 ? x : 0d)
                            || Double.doubleToRawLongBits(PositiveGate.pass(value, x))
                            != Double.doubleToRawLongBits(x > 0 ? value : 0d)) {
                        throw new AssertionError("differs at " + Double.toHexString(x));
                    }
                }
            }
        }
    }
}
