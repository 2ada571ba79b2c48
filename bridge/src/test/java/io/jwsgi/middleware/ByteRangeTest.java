package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {

    /** The parse result as {@code KIND} or {@code PARTIAL a-b,c-d}. */
    private static String parsed(String header, long length) {
        ByteRange range = ByteRange.parse(header, length);
        return range.kind() != ByteRange.Kind.PARTIAL ? range.kind().name() : "PARTIAL " + range.spans().stream()
                .map(s -> s.start() + "-" + s.end()).collect(Collectors.joining(","));
    }

    @ParameterizedTest(name = "Range \"{0}\" of {1} bytes -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // header                      | length | result
        "bytes=0-4                     | 20     | PARTIAL 0-4",
        "bytes=5-5                     | 20     | PARTIAL 5-5",
        "bytes=10-                     | 20     | PARTIAL 10-19",
        "bytes=15-100                  | 20     | PARTIAL 15-19",
        "bytes=-6                      | 20     | PARTIAL 14-19",
        "bytes=-500                    | 20     | PARTIAL 0-19",
        "BYTES = 1-2                   | 20     | WHOLE",
        "Bytes=1-2                     | 20     | PARTIAL 1-2",
        "bytes= 1 - 2                  | 20     | PARTIAL 1-2",
        "bytes=0-99999999999999999999  | 20     | PARTIAL 0-19",
        "bytes=20-                     | 20     | UNSATISFIABLE",
        "bytes=100-200                 | 20     | UNSATISFIABLE",
        "bytes=99999999999999999999-   | 20     | UNSATISFIABLE",
        "bytes=-0                      | 20     | UNSATISFIABLE",
        "bytes=0-                      | 0      | UNSATISFIABLE",
        "bytes=-5                      | 0      | UNSATISFIABLE",
        "bytes=5-4                     | 20     | WHOLE",
        "bytes=abc                     | 20     | WHOLE",
        "bytes=-                       | 20     | WHOLE",
        "bytes=1                       | 20     | WHOLE",
        "bytes=                        | 20     | WHOLE",
        "'bytes=,,'                    | 20     | WHOLE",
        "items=0-4                     | 20     | WHOLE",
        "NULL                          | 20     | WHOLE",
    })
    void singleRangesAreParsedAgainstTheLength(String header, long length, String result) {
        assertThat(parsed(header, length)).isEqualTo(result);
    }

    @ParameterizedTest(name = "Range \"{0}\" of {1} bytes -> {2}")
    @CsvSource(delimiter = '|', value = {
        // header                                 | length | result
        "'bytes=0-9,500-599'                      | 1000   | PARTIAL 0-9,500-599",
        "'bytes=500-599,0-9'                      | 1000   | PARTIAL 0-9,500-599",
        "'bytes=0-9, ,500-599,'                   | 1000   | PARTIAL 0-9,500-599",
        "'bytes=0-9,-10'                          | 1000   | PARTIAL 0-9,990-999",
        "'bytes=0-99,50-149'                      | 1000   | PARTIAL 0-149",
        "'bytes=0-99,100-199'                     | 1000   | PARTIAL 0-199",
        "'bytes=0-99,150-199'                     | 1000   | PARTIAL 0-199",
        "'bytes=0-99,300-399,100-299'             | 1000   | PARTIAL 0-399",
        "'bytes=0-999,0-999,0-999'                | 1000   | PARTIAL 0-999",
        "'bytes=0-,0-,0-,0-'                      | 1000   | PARTIAL 0-999",
        "'bytes=0-9,2000-2999'                    | 1000   | PARTIAL 0-9",
        "'bytes=2000-2999,5000-'                  | 1000   | UNSATISFIABLE",
        "'bytes=0-9,oops'                         | 1000   | WHOLE",
        "'bytes=0-9,9-5'                          | 1000   | WHOLE",
    })
    void severalRangesAreSortedAndCoalesced(String header, long length, String result) {
        assertThat(parsed(header, length)).isEqualTo(result);
    }

    @Test
    void manySmallRangesAreIgnoredAsAbuse() {
        StringBuilder parts = new StringBuilder("bytes=");
        for (int i = 0; i < ByteRange.MAX_PARTS + 1; i++) {
            parts.append(i == 0 ? "" : ",").append(i * 1000).append('-').append(i * 1000);
        }
        StringBuilder specs = new StringBuilder("bytes=0-0");
        for (int i = 0; i < ByteRange.MAX_SPECS; i++) {
            specs.append(",0-0");
        }

        assertThat(parsed(parts.toString(), 1_000_000)).as("more parts than allowed after merging").isEqualTo("WHOLE");
        assertThat(parsed(specs.toString(), 1_000_000)).as("more specs than allowed, even if they merge").isEqualTo("WHOLE");
        assertThat(parsed(parts.substring(0, parts.lastIndexOf(",")), 1_000_000))
                .as("exactly the allowed number of parts").startsWith("PARTIAL 0-0,1000-1000,");
    }
}
