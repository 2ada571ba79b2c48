package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticPathTest {

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        // decoded PATH_INFO                 | refusal     | message mentions
        "/../etc/passwd                      | BAD_REQUEST | a .. segment",
        "/css/../../etc/passwd               | BAD_REQUEST | a .. segment",
        "/css/..                             | BAD_REQUEST | a .. segment",
        "/./hello.txt                        | BAD_REQUEST | a . segment",
        "/..\\..\\windows\\win.ini           | BAD_REQUEST | a backslash",
        "/a%2F..%2F..%2Fetc                  | BAD_REQUEST | encoded %2f",
        "/%2e%2e/etc/passwd                  | BAD_REQUEST | encoded %2e",
        "/a%5c..%5csecret                    | BAD_REQUEST | encoded %5c",
        "/secret%00.txt                      | BAD_REQUEST | encoded %00",
        "/%252e%252e/etc                     | BAD_REQUEST | encoded %25",
        "//etc/passwd                        | BAD_REQUEST | an empty segment",
        "/css//app.css                       | BAD_REQUEST | an empty segment",
        "/C:/Windows/win.ini                 | BAD_REQUEST | a colon",
        "/file.txt::$DATA                    | BAD_REQUEST | a colon",
        "relative.txt                        | BAD_REQUEST | must start with /",
        "/.env                               | HIDDEN      | hidden names",
        "/.git/config                        | HIDDEN      | hidden names",
        "/css/.htaccess                      | HIDDEN      | hidden names",
    })
    void hostilePathsAreRefusedBeforeAnyFileSystemAccess(String pathInfo, StaticPath.Refusal refusal, String reason) {
        StaticPath.Refused refused = catchThrowableOfType(StaticPath.Refused.class, () -> StaticPath.parse(pathInfo));

        assertThat(refused).as("%s must be refused", pathInfo).isNotNull();
        assertThat(refused.refusal()).isEqualTo(refusal);
        assertThat(refused.getMessage()).contains(reason);
    }

    @Test
    void controlCharactersAreRefused() {
        for (String path : List.of("/a\0b", "/a\nb", "/a\u007fb")) {
            StaticPath.Refused refused = catchThrowableOfType(StaticPath.Refused.class, () -> StaticPath.parse(path));
            assertThat(refused).as("%s", path.replace("\n", "\\n")).isNotNull();
            assertThat(refused.refusal()).isEqualTo(StaticPath.Refusal.BAD_REQUEST);
        }
    }

    @Test
    void plainPathsBecomeSegments() throws Exception {
        assertThat(StaticPath.parse("/css/app.css")).isEqualTo(new StaticPath(List.of("css", "app.css"), false));
        assertThat(StaticPath.parse("/docs/")).isEqualTo(new StaticPath(List.of("docs"), true));
        assertThat(StaticPath.parse("/")).isEqualTo(new StaticPath(List.of(), true));
        assertThat(StaticPath.parse("")).isEqualTo(new StaticPath(List.of(), true));
        assertThat(StaticPath.parse("/100%.txt")).as("a literal percent sign is a name")
                .isEqualTo(new StaticPath(List.of("100%.txt"), false));
        assertThat(StaticPath.parse("/a..b/c...txt")).as("dots inside names are fine")
                .isEqualTo(new StaticPath(List.of("a..b", "c...txt"), false));
    }

    @Test
    void joinAppendsTheIndexFileToDirectories() throws Exception {
        assertThat(StaticPath.parse("/docs/").join("index.html")).isEqualTo("docs/index.html");
        assertThat(StaticPath.parse("/").join("index.html")).isEqualTo("index.html");
        assertThat(StaticPath.parse("/a/b.txt").join("index.html")).isEqualTo("a/b.txt");
    }
}
