package dev.gradflow.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link LegacyRandom} against two independent oracles: values NumPy itself prints for {@code np.random.seed(0)},
 * and CPython's C implementation of MT19937 (its {@code random} module) handed the Knuth-seeded state. The second
 * set comes from {@code legacy_random_reference.py} next to this test's resources; run it to regenerate them.
 */
class LegacyRandomTest {

    @Test
    void seedingFillsTheStateByKnuthsRuleAndRegeneratesOnTheFirstDraw() {
        LegacyRandom.State state = new LegacyRandom(0).snapshot();

        int[] key = state.key();
        assertThat(Arrays.copyOf(key, 4)).containsExactly(0, 1, 0x6c078967, 0x714acb41);
        assertThat(key[623]).isEqualTo(0x6b1a1930);
        assertThat(state.position()).isEqualTo(LegacyRandom.STATE_WORDS);
        assertThat(state.hasGauss()).isFalse();
    }

    @Test
    void thirtyTwoBitOutputsMatchCPythonsMersenneTwisterAcrossTwoRegenerations() {
        // From legacy_random_reference.py: outputs 0..4, 623, 624, 1247 and 1248 of random.getrandbits(32).
        assertOutputs(0, 2357136044L, 2546248239L, 3071714933L, 3626093760L, 2588848963L,
                3791854820L, 341544762L, 1145454359L, 4192857288L);
        assertOutputs(1, 1791095845L, 4282876139L, 3093770124L, 4005303368L, 491263L,
                2006116153L, 1104314680L, 1926754611L, 3239719367L);
        assertOutputs(12345, 3992670690L, 3823185381L, 1358822685L, 561383553L, 789925284L,
                2940097750L, 3957348375L, 3139197943L, 2339195376L);
        assertOutputs(LegacyRandom.MAX_SEED, 419326371L, 479346978L, 3918654476L, 2416749639L, 3388880820L,
                1027084080L, 3860652269L, 3512076445L, 2400582258L);
    }

    private static void assertOutputs(long seed, long... expected) {
        LegacyRandom random = new LegacyRandom(seed);
        long[] outputs = new long[1249];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = random.nextUint32();
        }
        assertThat(new long[] {outputs[0], outputs[1], outputs[2], outputs[3], outputs[4], outputs[623],
                outputs[624], outputs[1247], outputs[1248]}).as("seed %d", seed).containsExactly(expected);
    }

    @Test
    void uniformDoublesMatchNumpysRandForSeedZero() {
        // np.random.seed(0); np.random.rand(3), as NumPy prints it.
        assertThat(new LegacyRandom(0).rand(3).doubles())
                .containsExactly(0.5488135039273248, 0.7151893663724195, 0.6027633760716439);
    }

    @Test
    void uniformDoublesMatchCPythonsRandomFarIntoTheStream() {
        // random.random() uses the same 53-bit formula; values 999 from legacy_random_reference.py.
        assertThat(nthSample(0, 999)).isEqualTo(0.6771411441114241);
        assertThat(new LegacyRandom(1).rand(3).doubles())
                .containsExactly(0.417022004702574, 0.7203244934421581, 0.00011437481734488664);
        assertThat(nthSample(1, 999)).isEqualTo(0.7744772660150796);
    }

    private static double nthSample(long seed, int index) {
        LegacyRandom random = new LegacyRandom(seed);
        double value = Double.NaN;
        for (int i = 0; i <= index; i++) {
            value = random.randomSample();
        }
        return value;
    }

    @Test
    void standardNormalsMatchNumpysRandnForSeedZero() {
        // np.random.seed(0); np.random.randn(10), as NumPy prints it.
        assertThat(new LegacyRandom(0).randn(10).doubles()).containsExactly(1.764052345967664, 0.4001572083672233,
                0.9787379841057392, 2.240893199201458, 1.8675579901499675, -0.977277879876411, 0.9500884175255894,
                -0.1513572082976979, -0.10321885179355784, 0.41059850193837233);
    }

    @Test
    void standardNormalsMatchThePolarMethodOnCPythonsStreamWithTheCLibrarysLog() {
        // legacy_random_reference.py: normals 10, 11 and 1000 after seed 0, with glibc's log and sqrt.
        double[] normals = new LegacyRandom(0).randn(1001).doubles();
        assertThat(normals[10]).isEqualTo(0.144043571160878);
        assertThat(normals[11]).isEqualTo(1.454273506962975);
        assertThat(normals[1000]).isEqualTo(0.555962679709798);
    }

    @Test
    void anOddCountLeavesTheSecondNormalForTheNextCall() {
        LegacyRandom oneAtATime = new LegacyRandom(0);
        double first = oneAtATime.randn(1).doubles()[0];
        assertThat(oneAtATime.snapshot().hasGauss()).isTrue();
        double second = oneAtATime.randn(1).doubles()[0];
        assertThat(oneAtATime.snapshot().hasGauss()).isFalse();

        assertThat(new double[] {first, second}).containsExactly(new LegacyRandom(0).randn(2).doubles());
        // Three normals consume two pairs' worth of uniforms only once the cache is used up.
        LegacyRandom odd = new LegacyRandom(0);
        odd.randn(3);
        assertThat(odd.standardNormal()).isEqualTo(new LegacyRandom(0).randn(4).doubles()[3]);
    }

    @Test
    void arraysAreFilledInRowMajorOrder() {
        LegacyRandom byElement = new LegacyRandom(7);
        double[] expected = new double[6];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = byElement.randomSample();
        }
        var matrix = new LegacyRandom(7).rand(2, 3);

        assertThat(matrix.shape()).containsExactly(2, 3);
        assertThat(matrix.doubles()).containsExactly(expected);
        assertThat(new LegacyRandom(7).randn(3, 2).doubles()).containsExactly(new LegacyRandom(7).randn(6).doubles());
    }

    @Test
    void aRestoredSnapshotContinuesWithIdenticalValuesIncludingTheCachedNormal() {
        LegacyRandom original = new LegacyRandom(2024);
        original.rand(350); // 700 words: past the first regeneration, mid-block
        original.randn(3); // leaves a cached normal
        LegacyRandom.State state = original.snapshot();
        assertThat(state.hasGauss()).isTrue();
        assertThat(state.position()).isBetween(1, LegacyRandom.STATE_WORDS - 1);

        // Rebuilt field by field, as a codec that stored the four fields would rebuild it.
        LegacyRandom restored = LegacyRandom.restore(new LegacyRandom.State(state.key(), state.position(),
                state.hasGauss(), state.gauss()));

        assertThat(restored.snapshot()).isEqualTo(state);
        for (int i = 0; i < 2000; i++) {
            switch (i % 3) {
                case 0 -> assertThat(restored.standardNormal()).isEqualTo(original.standardNormal());
                case 1 -> assertThat(restored.randomSample()).isEqualTo(original.randomSample());
                default -> assertThat(restored.nextUint32()).isEqualTo(original.nextUint32());
            }
        }
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    }

    @Test
    void aSnapshotIsAnImmutableValue() {
        LegacyRandom random = new LegacyRandom(3);
        LegacyRandom.State before = random.snapshot();
        int[] words = before.key();
        words[0] ^= 1;
        random.randomSample();

        assertThat(before).isEqualTo(new LegacyRandom(3).snapshot()).isNotEqualTo(random.snapshot());
        assertThat(before.hashCode()).isEqualTo(new LegacyRandom(3).snapshot().hashCode());
        // Without a cached normal the stored value is normalised, so equal positions compare equal.
        assertThat(new LegacyRandom.State(before.key(), 624, false, 1.5)).isEqualTo(before);
    }

    @Test
    void rejectsWhatNumpyWouldRejectAndMalformedStates() {
        assertThatThrownBy(() -> new LegacyRandom(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LegacyRandom(LegacyRandom.MAX_SEED + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LegacyRandom.State(new int[623], 0, false, 0))
                .hasMessageContaining("624 words");
        assertThatThrownBy(() -> new LegacyRandom.State(new int[624], 625, false, 0))
                .hasMessageContaining("position");
        assertThatThrownBy(() -> new LegacyRandom.State(new int[624], 0, true, Double.NaN))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> new LegacyRandom(0).rand(2, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
