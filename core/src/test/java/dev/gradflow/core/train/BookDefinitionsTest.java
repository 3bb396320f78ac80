package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The defaults and the learning-rate decay of the book's chapter 10 (nnfs_book, {@code Chapter_10/Ch10_Final.py}):
 * {@code Optimizer_SGD(learning_rate=1., decay=0., momentum=0.)},
 * {@code Optimizer_Adagrad(learning_rate=1., decay=0., epsilon=1e-7)},
 * {@code Optimizer_RMSprop(learning_rate=0.001, decay=0., epsilon=1e-7, rho=0.9)} and
 * {@code Optimizer_Adam(learning_rate=0.001, decay=0., epsilon=1e-7, beta_1=0.9, beta_2=0.999)}.
 */
class BookDefinitionsTest {

    @Test
    void theDefaultsAreTheBooks() {
        assertThat(new Sgd()).isEqualTo(new Sgd(1.0, 0.0, 0.0));
        assertThat(new Adagrad()).isEqualTo(new Adagrad(1.0, 0.0, 1e-7));
        assertThat(new RmsProp()).isEqualTo(new RmsProp(0.001, 0.0, 1e-7, 0.9));
        assertThat(new Adam()).isEqualTo(new Adam(0.001, 0.0, 1e-7, 0.9, 0.999));
    }

    @Test
    void optionsAreNamedAndOrderedAsTheBooksConstructorArguments() {
        assertThat(new Sgd().options()).containsExactly(Map.entry("learningRate", 1.0), Map.entry("decay", 0.0),
                Map.entry("momentum", 0.0));
        assertThat(new Adagrad().options().keySet()).containsExactly("learningRate", "decay", "epsilon");
        assertThat(new RmsProp().options().keySet()).containsExactly("learningRate", "decay", "epsilon", "rho");
        assertThat(new Adam().options().keySet()).containsExactly("learningRate", "decay", "epsilon", "beta1",
                "beta2");
    }

    @Test
    void slotsAreTheArraysTheBookAttachesToALayer() {
        assertThat(new Sgd().slotNames()).isEmpty();
        assertThat(new Sgd(1, 0, 0.9).slotNames()).containsExactly("momentums");
        assertThat(new Adagrad().slotNames()).containsExactly("cache");
        assertThat(new RmsProp().slotNames()).containsExactly("cache");
        assertThat(new Adam().slotNames()).containsExactly("momentums", "cache");
    }

    @Test
    void theDecayedLearningRateIsTheBooksExample() {
        // The book's worked example: starting rate 1, decay 0.1, so 1/(1 + 0.1·1) = 0.9090909090909091 at step 1 and
        // 1/(1 + 0.1·20) = 1/3 at step 20.
        Sgd sgd = new Sgd(1, 0.1, 0);
        assertThat(sgd.currentLearningRate(0)).isEqualTo(1.0);
        assertThat(sgd.currentLearningRate(1)).isEqualTo(0.9090909090909091);
        assertThat(sgd.currentLearningRate(20)).isEqualTo(0.3333333333333333);
        // Without decay the rate is the learning rate itself, bit for bit, however many steps were taken.
        assertThat(new Adam().currentLearningRate(1_000_000)).isEqualTo(0.001);
    }

    @Test
    void afterKStepsTheStepUsesTheRateDecayedKTimes() {
        // With gradient 1 every step, plain SGD moves w by exactly −current_lr(k) at step k (k from 0), so after
        // 20 steps w = −Σ_{k<20} 1/(1 + 0.1·k), the sum of the book's printed rates, and the state counts 20.
        Sgd sgd = new Sgd(1, 0.1, 0);
        Tensor[] ones = new Tensor[20];
        java.util.Arrays.fill(ones, Tensor.scalar(1));
        List<StepResult> steps = Steps.run(sgd, Tensor.scalar(0), ones);

        double expected = 0;
        for (int k = 0; k < 20; k++) {
            expected -= 1.0 / (1 + 0.1 * k);
            assertThat(steps.get(k).parameters().get("w").item()).as("after step %d", k + 1).isEqualTo(expected);
        }
        assertThat(steps.get(19).state().iterations()).isEqualTo(20);
        assertThat(sgd.currentLearningRate(steps.get(19).state().iterations())).isEqualTo(1.0 / 3);
    }
}
