package dev.gradflow.core.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.wire.TapeRecord;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * A tape written with recipes ({@link TapeRecord#encodeRecomputing}, every op output that can be recomputed and
 * takes bytes off the tape) decodes to the same tape as one written whole: every saved tensor and the output value
 * bit for bit, so the backward pass gives bit-identical gradients. Random expression graphs (every op of the menu,
 * broadcasting, nodes read twice, dropout, which is never recomputed) and random layer lists, in float64 and float32.
 */
class RecomputationPropertiesTest {

    @Property(tries = 200)
    void graphTapesWithRecipesDecodeBitIdentically(@ForAll("graphs") RandomGraphs.GraphCase graph,
            @ForAll boolean float32) {
        check(graph, float32);
    }

    @Property(tries = 200)
    void networkTapesWithRecipesDecodeBitIdentically(@ForAll("networks") RandomNetworks.NetworkCase network,
            @ForAll boolean float32) {
        check(network, float32);
    }

    private static void check(Harness.Case sample, boolean float32) {
        DType dtype = float32 ? DType.FLOAT32 : DType.FLOAT64;
        ForwardPass.Recorded recorded;
        try {
            recorded = ForwardPass.recordWithValues(Harness.compile(Harness.withDtype(sample.definition(), dtype)),
                    Harness.cast(sample.feeds(), dtype), sample.batchSeed());
        } catch (NonFiniteException e) {
            Assume.that(false);
            return;
        }
        TapeRecord record = TapeRecord.ok("b", "n", recorded.tape());
        byte[] whole = record.encode();
        byte[] withRecipes = record.encodeRecomputing(recorded.values(), Double.MAX_VALUE);
        Tape expected = TapeRecord.decode(whole).tape();
        Tape actual = TapeRecord.decode(withRecipes).tape();
        assertThat(actual.outputValue()).isEqualTo(expected.outputValue());
        for (int i = 0; i < expected.nodes().size(); i++) {
            assertThat(actual.nodes().get(i).saved()).as("node %d saved", i)
                    .containsExactlyElementsOf(expected.nodes().get(i).saved());
        }
        GradientSet gradients = BackwardPass.run(actual);
        GradientSet reference = BackwardPass.run(expected);
        assertThat(gradients.parameters()).isEqualTo(reference.parameters());
        assertThat(gradients.inputs()).isEqualTo(reference.inputs());
        Statistics.label("smaller with recipes").collect(withRecipes.length < whole.length);
        Statistics.label("smaller with recipes").coverage(checker -> checker.check(true).percentage(p -> p >= 30));
    }

    @Provide
    Arbitrary<RandomGraphs.GraphCase> graphs() {
        return RandomGraphs.graphs(2, 12);
    }

    @Provide
    Arbitrary<RandomNetworks.NetworkCase> networks() {
        return RandomNetworks.networks();
    }
}
