package ${package};

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A JWSGI application: PEP 3333's {@code application(environ, start_response)} in Java.
 * {@code web.xml} names it as the {@code application} of a {@code JwsgiServlet}.
 */
public final class HelloApp implements Application {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        String path = environ.get(Environ.PATH_INFO) instanceof String p ? p : "/";
        byte[] body = ("Hello from JWSGI, you asked for " + path + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(
                new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
