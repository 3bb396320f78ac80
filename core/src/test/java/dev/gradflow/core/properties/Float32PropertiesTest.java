package dev.gradflow.core.properties;

import dev.gradflow.core.graph.LayerDefinition.Loss;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The same random graphs ({@link RandomGraphs}) and layer lists ({@link RandomNetworks}, every loss) as the finite
 * difference properties, defined once with {@code "dtype": "float64"} and once with {@code "dtype": "float32"} and
 * fed the same batch: the float32 output and every float32 gradient must be float32 tensors within
 * {@code 1e-4 · max(1, |float64 value|)} of the float64 ones (absolute up to magnitude 1, relative above; the
 * reasons are in {@link Harness}). Samples near a kink are discarded, since there a float32 rounding may
 * legitimately pick the other side. Every single op gets the same check in {@link OpPropertiesTest}.
 */
class Float32PropertiesTest {

    @Property(tries = 250)
    void graphsAgreeWithFloat64(@ForAll("graphs") RandomGraphs.GraphCase graph) {
        Harness.checkFloat32("float32 graph", graph);
    }

    @Provide
    Arbitrary<RandomGraphs.GraphCase> graphs() {
        return RandomGraphs.graphs(2, 12);
    }

    @Property(tries = 250)
    void networksAgreeWithFloat64(@ForAll("networks") RandomNetworks.NetworkCase network) {
        Harness.checkFloat32("float32 network " + network.loss().label(), network);
        Statistics.label("loss").collect(network.loss().label());
        Statistics.label("loss").coverage(c -> {
            for (Loss loss : Loss.values()) {
                c.check(loss.label()).count(n -> n >= 3);
            }
        });
    }

    @Provide
    Arbitrary<RandomNetworks.NetworkCase> networks() {
        return RandomNetworks.networks();
    }

    @AfterContainer
    static void printWorstErrors() {
        System.out.print("Float32PropertiesTest\n" + Harness.summary("float32"));
    }
}
