package io.jwsgi.testing.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.net.URLDecoder;
import java.util.List;
import java.util.Map;

/** Greets the caller: {@code GET /hello?name=Ada} answers "Hello, Ada". */
public final class HelloApp implements Application {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        String query = (String) environ.get(Environ.QUERY_STRING);
        String name = query.startsWith("name=") ? URLDecoder.decode(query.substring(5), UTF_8) : "world";
        byte[] body = ("Hello, " + name + "\n").getBytes(UTF_8);
        start.start("200 OK", List.of(
                new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
