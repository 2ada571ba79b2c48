package io.jwsgi.bench;

import io.jwsgi.Header;
import io.jwsgi.server.HeaderRules;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Checking a status and five response headers: the bridge's {@link HeaderRules} (token names,
 * no control characters, no hop-by-hop) against the one check a careful hand-written servlet
 * makes (no CR or LF in a value) and parsing the status code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderBenchmark {

    private final String status = "200 OK";
    private final List<Header> headers = List.of(new Header("Content-Type", "text/html; charset=utf-8"),
            new Header("Content-Length", "5120"), new Header("Cache-Control", "no-cache"),
            new Header("Set-Cookie", "session=4f2a9c1e7b; Path=/; HttpOnly"), new Header("X-Request-Id", "7d1c9a52"));

    /** The bridge's rules. */
    @Benchmark
    public int bridge() {
        int code = HeaderRules.statusCode(status);
        HeaderRules.check(headers);
        return code;
    }

    /** CR/LF only, and the status code. */
    @Benchmark
    public int raw() {
        int code = Integer.parseInt(status.substring(0, 3));
        for (int i = 0; i < headers.size(); i++) {
            String value = headers.get(i).value();
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("CR or LF in header " + headers.get(i).name());
            }
        }
        return code;
    }
}
