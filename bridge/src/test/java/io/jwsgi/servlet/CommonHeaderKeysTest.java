package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The precomputed keys of common headers are exactly what the mapping rule computes. */
class CommonHeaderKeysTest {

    @Test
    void everyPrecomputedKeyIsTheComputedOne() {
        for (Map.Entry<String, String> e : ServletEnviron.COMMON_KEYS.entrySet()) {
            assertThat(e.getValue()).as("key of header %s", e.getKey()).isEqualTo(Environ.headerKey(e.getKey()));
        }
    }

    @Test
    void bothUsualSpellingsAreKnown() {
        assertThat(ServletEnviron.COMMON_KEYS).as("HTTP/1.1 and HTTP/2 spellings")
                .containsEntry("User-Agent", "HTTP_USER_AGENT").containsEntry("user-agent", "HTTP_USER_AGENT")
                .containsEntry("Host", "HTTP_HOST").containsEntry("host", "HTTP_HOST")
                .doesNotContainKey("Content-Type").doesNotContainKey("X_User");
    }
}
