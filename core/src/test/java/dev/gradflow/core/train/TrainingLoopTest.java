package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingLoopTest {
    private static final TrainingFixtures SPIRAL = TrainingFixtures.spiral();

    @Test
    void twoRunsGiveBitIdenticalParametersAndState() {
        TrainingPlan plan = new TrainingPlan(32, 3, true, 1234, 2);
        TrainingResult first = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data, plan,
                new Adam(0.05, 5e-7, 1e-7, 0.9, 0.999));
        TrainingResult second = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data, plan,
                new Adam(0.05, 5e-7, 1e-7, 0.9, 0.999));
        // Tensor equality compares every element's bits.
        assertThat(second.parameters()).isEqualTo(first.parameters());
        assertThat(second.state()).isEqualTo(first.state());
        assertThat(second.epochs()).isEqualTo(first.epochs());
        // 300 rows in batches of 32: 10 batches an epoch, 5 steps of 2 batches.
        assertThat(first.epochs()).extracting(TrainingResult.Epoch::steps).containsExactly(5L, 10L, 15L);
    }

    @Test
    void shuffleChangesTheResult() {
        TrainingResult inOrder = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                new TrainingPlan(32, 2, false, 0, 1), new Sgd(1.0, 0, 0));
        TrainingResult shuffled = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                new TrainingPlan(32, 2, true, 0, 1), new Sgd(1.0, 0, 0));
        assertThat(shuffled.parameters()).isNotEqualTo(inOrder.parameters());
    }

    /**
     * The book's chapter 10 with Adam(learning_rate=0.05, decay=5e-7), here for 300 full-batch steps. At the start
     * the weights are 0.01·N(0, 1), so every output is near ⅓ and the loss near ln 3 ≈ 1.0986. A classifier that
     * guesses does no better than the most frequent class, ⅓ of the 300 rows (100 per class); 0.6 would be 80 rows
     * more, a deterministic run lands there only by learning the spirals. The book reaches about 0.95 after 10 000
     * steps; after 300 it is past 0.6 and the loss well below ln 3.
     */
    @Test
    void adamOnTheSpiralsLearnsWellAboveChance() {
        TrainingResult result = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                TrainingPlan.inOrder(300, 300), new Adam(0.05, 5e-7, 1e-7, 0.9, 0.999));
        TrainingResult.Epoch first = result.epochs().get(0);
        TrainingResult.Epoch last = result.lastEpoch();
        System.out.printf("spiral 2-64-3, Adam: loss %.4f acc %.3f → loss %.4f acc %.3f after %d steps%n",
                first.meanLoss(), first.accuracy().orElseThrow(), last.meanLoss(), last.accuracy().orElseThrow(),
                last.steps());
        assertThat(first.meanLoss()).isCloseTo(Math.log(3), org.assertj.core.data.Offset.offset(1e-3));
        assertThat(last.steps()).isEqualTo(300);
        assertThat(last.meanLoss()).isLessThan(0.8);
        assertThat(last.accuracy().orElseThrow()).isGreaterThan(0.6);
    }

    /**
     * Because each batch's loss is a mean, the row-weighted mean of K micro-batch gradients is the gradient of
     * their union; one step on each is therefore the same step. 300 rows in micro-batches of 64 with K = 5 are
     * four batches of 64 and one of 44, one step per epoch, exactly as one batch of 300.
     */
    @Test
    void accumulatingMicroBatchesEqualsOneStepOnTheirUnion() {
        TrainingResult accumulated = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                new TrainingPlan(64, 3, false, 0, 5), new Sgd(1.0, 0, 0.9));
        TrainingResult union = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                new TrainingPlan(300, 3, false, 0, 1), new Sgd(1.0, 0, 0.9));
        assertThat(accumulated.state().iterations()).isEqualTo(3).isEqualTo(union.state().iterations());
        assertThat(accumulated.parameters()).isNotEqualTo(SPIRAL.initialParameters);
        TrainingFixtures.assertCloseOverall(accumulated.parameters(), union.parameters(), 1e-12);
        for (int e = 0; e < 3; e++) {
            assertThat(accumulated.epochs().get(e).meanLoss())
                    .isCloseTo(union.epochs().get(e).meanLoss(), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(accumulated.epochs().get(e).accuracy()).isEqualTo(union.epochs().get(e).accuracy());
        }
    }

    @Test
    void accumulatingShuffledMicroBatchesEqualsTheirUnionToo() {
        // Shuffled, the union of an epoch's batches is still the whole data set: the order must not matter.
        TrainingResult accumulated = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                new TrainingPlan(7, 2, true, 99, 43), new Sgd(1.0, 0, 0));
        TrainingResult union = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                new TrainingPlan(300, 2, false, 0, 1), new Sgd(1.0, 0, 0));
        TrainingFixtures.assertCloseOverall(accumulated.parameters(), union.parameters(), 1e-12);
    }
}
