package dev.gradflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alerting rules under deploy/base/monitoring/rules are valid and pass their own promtool unit tests. */
class PromtoolTest {

    private static final Path RULES = Path.of("base/monitoring/rules");

    private static Path promtool() {
        return Processes.requireExecutable("promtool", "PROMTOOL",
                "The alerting rules are checked with promtool: install Debian's prometheus package "
                        + "(apt-get install -y prometheus), or set PROMTOOL to its path.");
    }

    @Test
    void rulesPassPromtoolCheck() {
        Path rules = Repository.deploy().resolve(RULES);
        Path rulesFile = rules.resolve("gradflow.rules.yaml");
        assertThat(rulesFile).isRegularFile();

        Processes.Result result = Processes.run(List.of(promtool().toString(), "check", "rules", rulesFile.toString()),
                rules, Duration.ofMinutes(1));

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("SUCCESS");
    }

    @Test
    void rulesPassTheirUnitTests() {
        Path rules = Repository.deploy().resolve(RULES);
        Path tests = rules.resolve("gradflow.rules.test.yaml");
        assertThat(tests).isRegularFile();

        // rule_files in the test file are relative to it, so promtool runs in its directory.
        Processes.Result result = Processes.run(List.of(promtool().toString(), "test", "rules", tests.getFileName().toString()),
                rules, Duration.ofMinutes(1));

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("SUCCESS");
    }
}
