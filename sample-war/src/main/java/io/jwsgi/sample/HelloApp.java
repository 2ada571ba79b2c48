package io.jwsgi.sample;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The smallest JWSGI application: a plain-text greeting. */
public final class HelloApp implements Application {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        byte[] body = "Hello, world\n".getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(
                new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
