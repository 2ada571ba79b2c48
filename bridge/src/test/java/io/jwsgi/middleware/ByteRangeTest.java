package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {

    @ParameterizedTest(name = "Range \"{0}\" of {1} bytes -> {2} {3}-{4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // header                  | length | kind          | start | end
        "bytes=0-4                 | 20     | PARTIAL       | 0     | 4",
        "bytes=5-5                 | 20     | PARTIAL       | 5     | 5",
        "bytes=10-                 | 20     | PARTIAL       | 10    | 19",
        "bytes=15-100              | 20     | PARTIAL       | 15    | 19",
        "bytes=-6                  | 20     | PARTIAL       | 14    | 19",
        "bytes=-500                | 20     | PARTIAL       | 0     | 19",
        "BYTES = 1-2               | 20     | WHOLE         | 0     | -1",
        "Bytes=1-2                 | 20     | PARTIAL       | 1     | 2",
        "bytes= 1 - 2              | 20     | PARTIAL       | 1     | 2",
        "bytes=0-99999999999999999999 | 20  | PARTIAL       | 0     | 19",
        "bytes=20-                 | 20     | UNSATISFIABLE | 0     | -1",
        "bytes=100-200             | 20     | UNSATISFIABLE | 0     | -1",
        "bytes=99999999999999999999- | 20   | UNSATISFIABLE | 0     | -1",
        "bytes=-0                  | 20     | UNSATISFIABLE | 0     | -1",
        "bytes=0-                  | 0      | UNSATISFIABLE | 0     | -1",
        "bytes=-5                  | 0      | UNSATISFIABLE | 0     | -1",
        "bytes=5-4                 | 20     | WHOLE         | 0     | -1",
        "bytes=0-1,5-6             | 20     | WHOLE         | 0     | -1",
        "bytes=abc                 | 20     | WHOLE         | 0     | -1",
        "bytes=-                   | 20     | WHOLE         | 0     | -1",
        "bytes=1                   | 20     | WHOLE         | 0     | -1",
        "items=0-4                 | 20     | WHOLE         | 0     | -1",
        "NULL                      | 20     | WHOLE         | 0     | -1",
    })
    void rangeHeaderIsParsedAgainstTheLength(String header, long length, ByteRange.Kind kind, long start, long end) {
        assertThat(ByteRange.parse(header, length)).isEqualTo(new ByteRange(kind, start, end));
    }
}
