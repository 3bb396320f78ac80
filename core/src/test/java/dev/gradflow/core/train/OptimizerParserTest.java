package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.testing.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Optimizers from request JSON: the option names, the book's defaults, errors naming the field. */
class OptimizerParserTest {

    private static Optimizer parse(String json) {
        return OptimizerParser.parse(Json.parse(json));
    }

    @Test
    void everyTypeWithEveryOption() {
        assertThat(parse("{\"type\": \"sgd\", \"learningRate\": 0.5, \"decay\": 0.001, \"momentum\": 0.9}"))
                .isEqualTo(new Sgd(0.5, 0.001, 0.9));
        assertThat(parse("{\"type\": \"adagrad\", \"learningRate\": 1, \"decay\": 1e-4, \"epsilon\": 1e-8}"))
                .isEqualTo(new Adagrad(1, 1e-4, 1e-8));
        assertThat(parse("{\"type\": \"rmsprop\", \"learningRate\": 0.02, \"decay\": 1e-5, \"epsilon\": 1e-7, "
                + "\"rho\": 0.999}")).isEqualTo(new RmsProp(0.02, 1e-5, 1e-7, 0.999));
        assertThat(parse("{\"type\": \"adam\", \"learningRate\": 0.05, \"decay\": 5e-7, \"epsilon\": 1e-7, "
                + "\"beta1\": 0.8, \"beta2\": 0.99}")).isEqualTo(new Adam(0.05, 5e-7, 1e-7, 0.8, 0.99));
    }

    @Test
    void optionsLeftOutTakeTheBooksDefaults() {
        assertThat(parse("{\"type\": \"sgd\"}")).isEqualTo(new Sgd());
        assertThat(parse("{\"type\": \"adagrad\"}")).isEqualTo(new Adagrad());
        assertThat(parse("{\"type\": \"rmsprop\"}")).isEqualTo(new RmsProp());
        assertThat(parse("{\"type\": \"adam\", \"learningRate\": 0.005}"))
                .isEqualTo(new Adam(0.005, 0, 1e-7, 0.9, 0.999));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            misspelt option | {"type": "adam", "betaOne": 0.9} | optimizer.betaOne | unknown option; adam takes learningRate, decay, epsilon, beta1, beta2
            another type's option | {"type": "sgd", "rho": 0.9} | optimizer.rho | unknown option; sgd takes learningRate, decay, momentum
            the book's spelling | {"type": "adam", "beta_1": 0.9} | optimizer.beta_1 | unknown option; adam takes learningRate, decay, epsilon, beta1, beta2
            unknown type | {"type": "adamw"} | optimizer.type | unknown optimizer the string "adamw", expected one of [sgd, adagrad, rmsprop, adam]
            type not a string | {"type": 3} | optimizer.type | unknown optimizer 3, expected one of [sgd, adagrad, rmsprop, adam]
            missing type | {"learningRate": 0.1} | optimizer.type | is required: one of [sgd, adagrad, rmsprop, adam]
            not an object | [1, 2] | optimizer | expected an object, got an array
            a string for a number | {"type": "sgd", "momentum": "0.9"} | optimizer.momentum | expected a number, got the string "0.9"
            null for a number | {"type": "sgd", "decay": null} | optimizer.decay | expected a number, got null
            rho out of range | {"type": "rmsprop", "rho": 1.5} | optimizer.rho | must be in [0, 1), got 1.5
            beta2 of one | {"type": "adam", "beta2": 1} | optimizer.beta2 | must be in [0, 1), got 1.0
            negative learning rate | {"type": "adagrad", "learningRate": -1} | optimizer.learningRate | must be a finite number greater than 0, got -1.0
            negative decay | {"type": "adam", "decay": -0.5} | optimizer.decay | must be a finite number of at least 0, got -0.5
            zero epsilon | {"type": "rmsprop", "epsilon": 0} | optimizer.epsilon | must be a finite number greater than 0, got 0.0
            """)
    void isRejectedWithTheFieldAndTheProblem(String title, String json, String field, String problem) {
        DefinitionException error = catchThrowableOfType(DefinitionException.class, () -> parse(json));
        assertThat(error).as(title).isNotNull();
        assertThat(error.field()).as(title).isEqualTo(field);
        assertThat(error.problem()).as(title).isEqualTo(problem);
        assertThat(error).hasMessage(field + ": " + problem);
    }

    @Test
    void errorsNameTheFieldWhereTheObjectReallyIs() {
        DefinitionException error = catchThrowableOfType(DefinitionException.class,
                () -> OptimizerParser.parse(Json.parse("{\"type\": \"rmsprop\", \"rho\": 2}"), "training.optimizer"));
        assertThat(error).hasMessage("training.optimizer.rho: must be in [0, 1), got 2.0");
    }
}
