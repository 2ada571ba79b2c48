package io.jwsgi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** docs/testing.md shows the code the build runs and the messages the tests assert, word for word. */
class DocsTest {

    private static final Path DOC = Path.of("..", "docs", "testing.md");
    private static final Path EXAMPLES = Path.of("src", "test", "java", "io", "jwsgi", "testing", "examples");

    @Test
    void everyJavaExampleIsAnExampleSourceOfTheBuild() throws IOException {
        List<String> blocks = blocks("java");
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path file : files.collect(Collectors.toList())) {
                sources.add(Files.readString(file).replaceFirst("^package [^\n]*\n\n", ""));
            }
        }

        assertThat(blocks).as("the examples of %s", DOC).hasSize(6);
        assertThat(sources).as("example sources in %s", EXAMPLES).containsAll(blocks);
    }

    @Test
    void everyValidatorMessageShownIsOneTheTestsAssert() throws IOException {
        Set<String> asserted = Stream.of(ValidatorRulesTest.environCases(), ValidatorRulesTest.applicationCases())
                .flatMap(cases -> cases).map(ValidatorRulesTest.Case::message).collect(Collectors.toSet());
        Set<String> warnings = ValidatorTest.softProblems().map(Arguments::get)
                .map(arguments -> (String) arguments[3]).collect(Collectors.toSet());
        List<String> shownErrors = new ArrayList<>();
        List<String> shownWarnings = new ArrayList<>();
        for (String block : blocks("text")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("io.jwsgi.testing.ValidationError: ") && !line.contains("com.example")) {
                    shownErrors.add(line.substring("io.jwsgi.testing.ValidationError: ".length()));
                } else if (line.startsWith(Report.WARNING_PREFIX)) {
                    shownWarnings.add(line.substring(Report.WARNING_PREFIX.length()));
                }
            }
        }

        assertThat(shownErrors).as("messages shown in %s", DOC).hasSizeGreaterThan(10);
        assertThat(asserted).as("messages asserted by ValidatorRulesTest").containsAll(shownErrors);
        assertThat(warnings).as("warnings asserted by ValidatorTest").containsAll(shownWarnings);
    }

    private static List<String> blocks(String language) throws IOException {
        String section = Files.readString(DOC);
        Matcher matcher = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> blocks = new ArrayList<>();
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }
}
