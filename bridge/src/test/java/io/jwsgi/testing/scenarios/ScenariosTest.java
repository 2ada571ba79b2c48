package io.jwsgi.testing.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario through the mock container: the half of the parity check that needs no server. */
class ScenariosTest {

    static List<Scenario> scenarios() {
        return Scenarios.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void mockContainerGivesTheExpectedAnswer(Scenario scenario) {
        MockContainer container = MockContainer.of(Scenarios.router());
        if (!scenario.valid()) {
            container.withoutValidator();
        }

        MockResponse response = scenario.request(container).send();

        assertThat(response.status()).as("status of %s", scenario).isEqualTo(scenario.status());
        assertThat(response.text()).as("body of %s", scenario).isEqualTo(scenario.body());
        assertThat(response.headers()).as("headers of %s", scenario).containsAll(scenario.headers());
        assertThat(response.isAborted()).isFalse();
    }

    @Test
    void scenarioNamesAreUnique() {
        List<String> names = Scenarios.all().stream().map(Scenario::name).collect(Collectors.toList());

        assertThat(names).doesNotHaveDuplicates();
    }
}
