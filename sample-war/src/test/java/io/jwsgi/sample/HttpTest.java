package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpTest {

    @Test
    void formDecodesPlusPercentAndUtf8AndKeepsTheFirstValue() {
        assertThat(Http.form("name=Ada+L&text=caf%C3%A9%21&name=second&flag&bad=%zz&&"))
                .as("decoded form").containsExactly(Map.entry("name", "Ada L"), Map.entry("text", "café!"),
                        Map.entry("flag", ""), Map.entry("bad", "%zz"));
    }

    @Test
    void escapeReplacesEveryHtmlSpecialCharacter() {
        assertThat(Http.escape("<a href=\"x\">Tom & 'Jerry'</a>"))
                .as("escaped markup").isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    }
}
