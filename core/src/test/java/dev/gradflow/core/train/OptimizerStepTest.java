package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A step is a pure, deterministic function of its inputs, in float64 and float32 alike. */
class OptimizerStepTest {

    static Stream<Optimizer> optimizers() {
        return Stream.of(new Sgd(0.1, 0.01, 0), new Sgd(0.1, 0.01, 0.9), new Adagrad(0.5, 0.01, 1e-7),
                new RmsProp(0.01, 0.01, 1e-7, 0.9), new Adam(0.01, 0.01, 1e-7, 0.9, 0.999));
    }

    /** Two parameters, a matrix and a vector, with random values and gradients from a fixed seed. */
    private static Map<String, Tensor> random(SplittableRandom random, DType dtype) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("dense1.weights", Tensor.of(dtype, new int[] {3, 2}, random.doubles(6, -2, 2).toArray()));
        tensors.put("dense1.biases", Tensor.of(dtype, new int[] {2}, random.doubles(2, -2, 2).toArray()));
        return tensors;
    }

    private static StepResult steps(Optimizer optimizer, DType dtype, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> parameters = random(random, dtype);
        OptimizerState state = OptimizerState.initial();
        StepResult result = null;
        for (int i = 0; i < count; i++) {
            result = optimizer.step(parameters, random(random, dtype), state);
            parameters = result.parameters();
            state = result.state();
        }
        return result;
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void nothingPassedInIsModified(Optimizer optimizer) {
        for (DType dtype : DType.values()) {
            SplittableRandom random = new SplittableRandom(5);
            Map<String, Tensor> parameters = random(random, dtype);
            OptimizerState state = optimizer.step(parameters, random(random, dtype), OptimizerState.initial())
                    .state();
            Map<String, Tensor> gradients = random(random, dtype);
            List<double[]> before = elements(parameters, gradients, state);

            StepResult result = optimizer.step(parameters, gradients, state);

            assertThat(elements(parameters, gradients, state)).as(dtype.label()).usingRecursiveComparison()
                    .isEqualTo(before);
            assertThat(state.iterations()).isEqualTo(1);
            assertThat(result.state().iterations()).isEqualTo(2);
            assertThat(result.parameters().get("dense1.weights")).isNotEqualTo(parameters.get("dense1.weights"));
            // The same inputs again give the same bits (Tensor.equals is bitwise).
            assertThat(optimizer.step(parameters, gradients, state)).isEqualTo(result);
        }
    }

    /** Copies of every element of the step's inputs (toDoubleArray copies). */
    private static List<double[]> elements(Map<String, Tensor> parameters, Map<String, Tensor> gradients,
            OptimizerState state) {
        List<double[]> copies = new ArrayList<>();
        parameters.values().forEach(t -> copies.add(t.toDoubleArray()));
        gradients.values().forEach(t -> copies.add(t.toDoubleArray()));
        state.slots().values().forEach(named -> named.values().forEach(t -> copies.add(t.toDoubleArray())));
        return copies;
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void eachFloat32StepIsTheFloat64StepOfTheSameValuesRoundedOnce(Optimizer optimizer) {
        // The documented contract, checked at every one of 30 steps: widen the float32 parameters, slots and
        // gradients (exactly), take the float64 step, round each stored value to float32: the float32 step gives
        // exactly those bits. So float32 results are the float64 formula up to one rounding per stored value.
        SplittableRandom random = new SplittableRandom(11);
        Map<String, Tensor> parameters = random(random, DType.FLOAT32);
        OptimizerState state = OptimizerState.initial();
        for (int step = 0; step < 30; step++) {
            Map<String, Tensor> gradients = random(random, DType.FLOAT32);
            StepResult single = optimizer.step(parameters, gradients, state);
            StepResult wide = optimizer.step(cast(parameters, DType.FLOAT64), cast(gradients, DType.FLOAT64),
                    castState(state, DType.FLOAT64));

            assertThat(single.parameters()).as("step %d", step).isEqualTo(cast(wide.parameters(), DType.FLOAT32));
            assertThat(single.state()).as("step %d", step).isEqualTo(castState(wide.state(), DType.FLOAT32));
            assertThat(single.parameters().get("dense1.biases").dtype()).isEqualTo(DType.FLOAT32);
            parameters = single.parameters();
            state = single.state();
        }
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void resultsDoNotDependOnThreadsOrTheOrderOfParameters(Optimizer optimizer) throws Exception {
        StepResult reference = steps(optimizer, DType.FLOAT32, 10, 3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<StepResult>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> steps(optimizer, DType.FLOAT32, 10, 3)));
            }
            for (Future<StepResult> run : runs) {
                assertThat(run.get()).isEqualTo(reference);
            }
        } finally {
            pool.shutdownNow();
        }
        // The same step with the parameters listed the other way round.
        SplittableRandom random = new SplittableRandom(8);
        Map<String, Tensor> parameters = random(random, DType.FLOAT64);
        Map<String, Tensor> gradients = random(random, DType.FLOAT64);
        StepResult forward = optimizer.step(parameters, gradients, OptimizerState.initial());
        StepResult backward = optimizer.step(reversed(parameters), reversed(gradients), OptimizerState.initial());
        assertThat(backward.parameters()).isEqualTo(forward.parameters());
        assertThat(backward.state().slots()).isEqualTo(forward.state().slots());
    }

    @Test
    void mismatchedInputsAreRejectedWithTheParameterNamed() {
        Map<String, Tensor> w = Steps.one("w", Tensor.vector(1, 2));
        Adam adam = new Adam();
        assertThatThrownBy(() -> adam.step(w, Map.of(), OptimizerState.initial()))
                .hasMessage("no gradient for parameter \"w\"");
        assertThatThrownBy(() -> adam.step(w, Map.of("w", Tensor.vector(1, 2), "v", Tensor.vector(1)),
                OptimizerState.initial()))
                .hasMessage("a gradient for \"v\", which is not a parameter; parameters: [w]");
        assertThatThrownBy(() -> adam.step(w, Steps.one("w", Tensor.vector(1, 2, 3)), OptimizerState.initial()))
                .hasMessage("the gradient of parameter \"w\" is float64 [3], the parameter float64 [2]");
        assertThatThrownBy(() -> adam.step(w, Steps.one("w", Tensor.of(DType.FLOAT32, new int[] {2},
                new double[] {1, 2})), OptimizerState.initial()))
                .hasMessage("the gradient of parameter \"w\" is float32 [2], the parameter float64 [2]");
        assertThatThrownBy(() -> adam.step(w, Steps.one("w", Tensor.vector(1, Double.NaN)), OptimizerState.initial()))
                .isInstanceOf(NonFiniteException.class)
                .hasMessage("non-finite value: the gradient of parameter \"w\" holds NaN (element 1 of [2])");
    }

    @Test
    void aStateOfOtherParametersOrAnotherOptimizerIsRejected() {
        Map<String, Tensor> w = Steps.one("w", Tensor.vector(1, 2));
        Map<String, Tensor> g = Steps.one("w", Tensor.vector(0.1, 0.2));
        OptimizerState adamState = new Adam().step(w, g, OptimizerState.initial()).state();

        assertThatThrownBy(() -> new RmsProp().step(w, g, adamState))
                .hasMessage("the optimizer state holds slots [momentums, cache] for parameter \"w\", this optimizer "
                        + "keeps [cache]");
        assertThatThrownBy(() -> new Adam().step(Steps.one("v", Tensor.vector(1, 2)), Steps.one("v",
                Tensor.vector(1, 2)), adamState))
                .hasMessage("the optimizer state holds slots for \"w\", which is not a parameter; parameters: [v]");
        Map<String, Tensor> both = new LinkedHashMap<>(w);
        both.put("v", Tensor.vector(3));
        Map<String, Tensor> bothGradients = new LinkedHashMap<>(g);
        bothGradients.put("v", Tensor.vector(1));
        assertThatThrownBy(() -> new Adam().step(both, bothGradients, adamState))
                .hasMessage("the optimizer state after 1 steps has no slots for parameter \"v\"; slots are created "
                        + "at the first step, so this state belongs to other parameters or another optimizer");
        OptimizerState wrongShape = new OptimizerState(1, Map.of("w", Map.of("momentums", Tensor.vector(0),
                "cache", Tensor.vector(0))));
        assertThatThrownBy(() -> new Adam().step(w, g, wrongShape))
                .hasMessage("slot \"momentums\" of parameter \"w\" is float64 [1], the parameter float64 [2]");
    }

    @Test
    void aStepThatWouldStoreAnInfinityFails() {
        // float32 overflows above 3.4e38: a learning rate of 1e30 times a gradient of 1e10 cannot be stored.
        Map<String, Tensor> w = Steps.one("w", Tensor.of(DType.FLOAT32, new int[] {1}, new double[] {1}));
        Map<String, Tensor> g = Steps.one("w", Tensor.of(DType.FLOAT32, new int[] {1}, new double[] {-1e10}));
        assertThatThrownBy(() -> new Sgd(1e30, 0, 0).step(w, g, OptimizerState.initial()))
                .isInstanceOf(NonFiniteException.class)
                .hasMessage("non-finite value: parameter \"w\" after step 1 (sgd) holds Infinity (element 0 of [1])");
    }

    @Test
    void hyperparametersOutOfRangeAreRejectedWithTheOptionNamed() {
        assertThatThrownBy(() -> new RmsProp(0.001, 0, 1e-7, 1.5)).hasMessage("optimizer.rho: must be in [0, 1), "
                + "got 1.5");
        assertThatThrownBy(() -> new Adam(0.001, 0, 1e-7, 0.9, 1)).hasMessage("optimizer.beta2: must be in [0, 1), "
                + "got 1.0");
        assertThatThrownBy(() -> new Sgd(0, 0, 0)).hasMessage("optimizer.learningRate: must be a finite number "
                + "greater than 0, got 0.0");
        assertThatThrownBy(() -> new Sgd(1, -0.1, 0)).hasMessage("optimizer.decay: must be a finite number of at "
                + "least 0, got -0.1");
        assertThatThrownBy(() -> new Adagrad(1, 0, 0)).hasMessage("optimizer.epsilon: must be a finite number "
                + "greater than 0, got 0.0");
        assertThatThrownBy(() -> new Sgd(1, 0, Double.NaN)).hasMessage("optimizer.momentum: must be in [0, 1), "
                + "got NaN");
    }

    private static Map<String, Tensor> cast(Map<String, Tensor> tensors, DType dtype) {
        Map<String, Tensor> cast = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> cast.put(name, tensor.cast(dtype)));
        return cast;
    }

    private static OptimizerState castState(OptimizerState state, DType dtype) {
        Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
        state.slots().forEach((name, named) -> slots.put(name, cast(named, dtype)));
        return new OptimizerState(state.iterations(), slots);
    }

    private static Map<String, Tensor> reversed(Map<String, Tensor> tensors) {
        List<String> names = new ArrayList<>(tensors.keySet());
        java.util.Collections.reverse(names);
        Map<String, Tensor> reversed = new LinkedHashMap<>();
        names.forEach(name -> reversed.put(name, tensors.get(name)));
        return reversed;
    }
}
