package io.jwsgi.sample;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.server.Engine;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves sample applications in tests through the real {@link Engine} and pump, with each
 * response going to an in-memory {@link Exchange} instead of a socket.
 */
public final class TestServer implements AutoCloseable {

    private final Engine engine;

    /** @param threads the most engine threads running applications at once */
    public TestServer(int threads) {
        this.engine = Engine.builder().name("sample-test").poolSize(threads).build();
    }

    /** Starts a {@code GET}. */
    public Exchange get(Application app, String scriptName, String pathAndQuery) {
        return request(app, "GET", scriptName, pathAndQuery, Map.of(), new byte[0]);
    }

    /**
     * Starts a request: builds a complete environ and lets the engine run the application.
     *
     * @param headers request headers by HTTP name ({@code Content-Type}, {@code Last-Event-ID}...)
     * @return the exchange, filling as the response is written
     */
    public Exchange request(Application app, String method, String scriptName, String pathAndQuery,
            Map<String, String> headers, byte[] body) {
        int q = pathAndQuery.indexOf('?');
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, method);
        environ.put(Environ.SCRIPT_NAME, scriptName);
        environ.put(Environ.PATH_INFO, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        environ.put(Environ.QUERY_STRING, q < 0 ? "" : pathAndQuery.substring(q + 1));
        environ.put(Environ.SERVER_NAME, "localhost");
        environ.put(Environ.SERVER_PORT, "8080");
        environ.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
        environ.put(Environ.REMOTE_ADDR, "127.0.0.1");
        headers.forEach((name, value) -> environ.put(Environ.headerKey(name), value));
        if (body.length > 0) {
            environ.put(Environ.CONTENT_LENGTH, Integer.toString(body.length));
        }
        environ.put(Environ.WSGI_VERSION, Environ.VERSION);
        environ.put(Environ.WSGI_URL_SCHEME, "http");
        environ.put(Environ.WSGI_INPUT, new ByteArrayInputStream(body));
        environ.put(Environ.WSGI_ERRORS, new PrintWriter(new StringWriter()));
        environ.put(Environ.WSGI_MULTITHREAD, Boolean.TRUE);
        environ.put(Environ.WSGI_MULTIPROCESS, Boolean.FALSE);
        environ.put(Environ.WSGI_RUN_ONCE, Boolean.FALSE);
        environ.put(Environ.WSGI_INPUT_TERMINATED, Boolean.TRUE);
        Exchange exchange = new Exchange();
        exchange.bind(engine.open(app, environ, exchange, method + " " + scriptName + pathAndQuery));
        exchange.start();
        return exchange;
    }

    /** The number of responses not yet ended. */
    public int inFlight() {
        return engine.inFlight();
    }

    @Override
    public void close() {
        engine.shutdown(Duration.ofSeconds(5));
    }
}
