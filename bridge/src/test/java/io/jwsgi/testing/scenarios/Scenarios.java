package io.jwsgi.testing.scenarios;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Applications that exercise the contract, one per {@link Scenario}, behind one router: run the
 * same requests through the mock container and through the servlet bridge, and the answers must
 * match. Mount {@link #router()} at the root ({@code /*}), so that {@code SCRIPT_NAME} is
 * {@code ""} on both sides.
 */
public final class Scenarios {

    private static final Header TEXT = new Header("Content-Type", "text/plain; charset=utf-8");

    private Scenarios() {
    }

    /**
     * Returns every scenario.
     *
     * @return the scenarios, each with its request and expected answer
     */
    public static List<Scenario> all() {
        return List.of(
                scenario("hello", "GET", "/hello", 200, List.of(TEXT, new Header("Content-Length", "13")),
                        "Hello, world\n"),
                scenario("head", "HEAD", "/hello", 200, List.of(TEXT, new Header("Content-Length", "13")), ""),
                scenario("stream", "GET", "/stream", 200, List.of(TEXT), "one\ntwo\nthree\n"),
                scenario("empty-chunks", "GET", "/empty-chunks", 200, List.of(TEXT), "ab"),
                scenario("write", "GET", "/write", 200, List.of(TEXT), "written;yielded"),
                scenario("exc-info", "GET", "/exc-info", 502, List.of(TEXT), "upstream failed\n"),
                scenario("sleep-wake", "GET", "/sleep-wake", 200, List.of(TEXT), "before;woke\n"),
                new Scenario("echo", "POST", "/echo", List.of(new Header("Content-Type", "text/plain; charset=utf-8")),
                        "ping \u00e9", true, 200, List.of(TEXT), "ping \u00e9"),
                new Scenario("environ", "GET", "/environ/caf%C3%A9?q=a%20b", List.of(new Header("X-Test", "1")),
                        null, true, 200, List.of(TEXT),
                        "REQUEST_METHOD=GET\nPATH_INFO=/environ/caf\u00e9\nQUERY_STRING=q=a%20b\nHTTP_X_TEST=1\n"),
                scenario("error", "GET", "/error", 500, List.of(), "500 Internal Server Error\n"),
                scenario("no-content", "GET", "/no-content", 204, List.of(), ""),
                scenario("multi-header", "GET", "/multi-header", 200,
                        List.of(TEXT, new Header("X-Multi", "a"), new Header("X-Multi", "b")), "ok"),
                new Scenario("content-length-cap", "GET", "/content-length-cap", List.of(), null, false, 200,
                        List.of(TEXT, new Header("Content-Length", "5")), "Hello"),
                scenario("not-found", "GET", "/nope", 404, List.of(TEXT), "no scenario at /nope\n"));
    }

    private static Scenario scenario(String name, String method, String target, int status, List<Header> headers,
            String body) {
        return new Scenario(name, method, target, List.of(), null, true, status, headers, body);
    }

    /**
     * Returns the application serving every scenario, dispatching on the first segment of {@code PATH_INFO}.
     *
     * @return the router
     */
    public static Application router() {
        return Scenarios::route;
    }

    private static Iterable<byte[]> route(Map<String, Object> environ, StartResponse start) throws Exception {
        String path = (String) environ.get(Environ.PATH_INFO);
        int end = path.indexOf('/', 1);
        String first = end < 0 ? path : path.substring(0, end);
        switch (first) {
            case "/hello":
                return hello(environ, start);
            case "/stream":
                start.start("200 OK", List.of(TEXT));
                return chunks("one\n", "two\n", "three\n");
            case "/empty-chunks":
                start.start("200 OK", List.of(TEXT));
                return chunks("", "a", "", "b", "");
            case "/write":
                Write write = start.start("200 OK", List.of(TEXT));
                write.write("written;".getBytes(UTF_8));
                return chunks("yielded");
            case "/exc-info":
                return excInfo(start);
            case "/sleep-wake":
                return sleepWake(environ, start);
            case "/echo":
                byte[] in = ((InputStream) environ.get(Environ.WSGI_INPUT)).readAllBytes();
                start.start("200 OK", List.of(new Header("Content-Type", (String) environ.get(Environ.CONTENT_TYPE))));
                return List.of(in);
            case "/environ":
                start.start("200 OK", List.of(TEXT));
                return chunks("REQUEST_METHOD=" + environ.get(Environ.REQUEST_METHOD) + "\nPATH_INFO=" + path
                        + "\nQUERY_STRING=" + environ.get(Environ.QUERY_STRING) + "\nHTTP_X_TEST="
                        + environ.get("HTTP_X_TEST") + "\n");
            case "/error":
                throw new IllegalStateException("the error scenario fails on purpose");
            case "/no-content":
                start.start("204 No Content", List.of());
                return List.of();
            case "/multi-header":
                start.start("200 OK", List.of(TEXT, new Header("X-Multi", "a"), new Header("X-Multi", "b")));
                return chunks("ok");
            case "/content-length-cap":
                start.start("200 OK", List.of(TEXT, new Header("Content-Length", "5")));
                return chunks("HelloWorld");
            default:
                start.start("404 Not Found", List.of(TEXT));
                return chunks("no scenario at " + path + "\n");
        }
    }

    private static Iterable<byte[]> hello(Map<String, Object> environ, StartResponse start) {
        byte[] body = "Hello, world\n".getBytes(UTF_8);
        start.start("200 OK", List.of(TEXT, new Header("Content-Length", Integer.toString(body.length))));
        return "HEAD".equals(environ.get(Environ.REQUEST_METHOD)) ? List.of() : List.of(body);
    }

    /** Starts 200, then fails before the first chunk and replaces the head with a 502 (PEP 3333's excInfo). */
    private static Iterable<byte[]> excInfo(StartResponse start) {
        start.start("200 OK", List.of(TEXT));
        return generated(1, i -> {
            start.start("502 Bad Gateway", List.of(TEXT), new IllegalStateException("upstream failed"));
            return "upstream failed\n".getBytes(UTF_8);
        });
    }

    /** Sends a chunk, sleeps, and is woken by a thread of its own: the outcome is the same whoever runs first. */
    private static Iterable<byte[]> sleepWake(Map<String, Object> environ, StartResponse start) {
        Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        start.start("200 OK", List.of(TEXT));
        return generated(3, i -> {
            if (i == 0) {
                return "before;".getBytes(UTF_8);
            }
            if (i == 1) {
                sleep.run();
                new Thread(wake, "scenario-waker").start();
                return new byte[0];
            }
            return "woke\n".getBytes(UTF_8);
        });
    }

    private static Iterable<byte[]> chunks(String... texts) {
        return generated(texts.length, i -> texts[i].getBytes(UTF_8));
    }

    private static Iterable<byte[]> generated(int count, IntFunction<byte[]> chunk) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public byte[] next() {
                return chunk.apply(next++);
            }
        };
    }
}
