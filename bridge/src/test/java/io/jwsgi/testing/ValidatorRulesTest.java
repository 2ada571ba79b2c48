package io.jwsgi.testing;

import static io.jwsgi.testing.Apps.TEXT;
import static io.jwsgi.testing.Apps.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import io.jwsgi.testing.ValidationError.Rule;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule of the validator, broken on purpose: caught, with a message naming the rule, the value and what was expected. */
class ValidatorRulesTest {

    /** One broken rule: how to break it, and the message the test expects. */
    record Case(String name, Rule rule, ThrowingCallable action, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Application OK = Apps.text("ok");

    @ParameterizedTest(name = "{0}")
    @MethodSource({"environCases", "applicationCases", "serverCases"})
    void brokenRuleIsCaughtWithAMessageNamingIt(Case broken) {
        // when
        Throwable thrown = catchThrowable(broken.action());

        // then
        assertThat(thrown).as(broken.name()).isInstanceOf(ValidationError.class).hasMessage(broken.message());
        assertThat(((ValidationError) thrown).rule()).isEqualTo(broken.rule());
    }

    static Stream<Case> environCases() {
        return Stream.of(
                new Case("required key missing", Rule.ENVIRON_KEY_MISSING,
                        () -> get().without("SERVER_NAME").send(),
                        "[ENVIRON_KEY_MISSING] environ must hold \"SERVER_NAME\" (a String, SPEC.md section 2); it is missing"),
                new Case("CGI value not a String", Rule.ENVIRON_KEY_TYPE,
                        () -> get().environ("SERVER_PORT", 80).send(),
                        "[ENVIRON_KEY_TYPE] environ[\"SERVER_PORT\"] must be a java.lang.String (SPEC.md section 2),"
                                + " got java.lang.Integer 80"),
                new Case("header value not a String", Rule.ENVIRON_KEY_TYPE,
                        () -> get().environ("HTTP_X_COUNT", 3).send(),
                        "[ENVIRON_KEY_TYPE] environ[\"HTTP_X_COUNT\"] must be a java.lang.String (SPEC.md section 2),"
                                + " got java.lang.Integer 3"),
                new Case("wsgi.input not an InputStream", Rule.ENVIRON_KEY_TYPE,
                        () -> get().environ(Environ.WSGI_INPUT, "ping").send(),
                        "[ENVIRON_KEY_TYPE] environ[\"wsgi.input\"] must be a java.io.InputStream (SPEC.md section 2),"
                                + " got \"ping\""),
                new Case("key not a String", Rule.ENVIRON_KEY_TYPE,
                        () -> direct(OK, ValidatorRulesTest::putIntegerKey),
                        "[ENVIRON_KEY_TYPE] environ keys must be Strings, got java.lang.Integer 42"),
                new Case("method not a token", Rule.ENVIRON_VALUE,
                        () -> MockContainer.of(OK).request("GE T", "/").send(),
                        "[ENVIRON_VALUE] REQUEST_METHOD must be an HTTP token such as \"GET\", got \"GE T\""),
                new Case("port not a number", Rule.ENVIRON_VALUE,
                        () -> get().environ("SERVER_PORT", "eighty").send(),
                        "[ENVIRON_VALUE] SERVER_PORT must be a decimal number, got \"eighty\""),
                new Case("wrong wsgi.version", Rule.ENVIRON_VALUE,
                        () -> get().environ(Environ.WSGI_VERSION, List.of(1, 1)).send(),
                        "[ENVIRON_VALUE] wsgi.version must be [1, 0] (Environ.VERSION), got [1, 1]"),
                new Case("unknown url scheme", Rule.ENVIRON_VALUE,
                        () -> get().environ(Environ.WSGI_URL_SCHEME, "ftp").send(),
                        "[ENVIRON_VALUE] wsgi.url_scheme must be \"http\" or \"https\", got \"ftp\""),
                new Case("protocol without HTTP/", Rule.ENVIRON_VALUE,
                        () -> get().environ("SERVER_PROTOCOL", "1.1").send(),
                        "[ENVIRON_VALUE] SERVER_PROTOCOL must be \"HTTP/<version>\" such as \"HTTP/1.1\", got \"1.1\""),
                new Case("SCRIPT_NAME ending with /", Rule.SCRIPT_NAME,
                        () -> get().scriptName("/app/").send(),
                        "[SCRIPT_NAME] SCRIPT_NAME must be \"\" or start with \"/\" and not end with \"/\"; got \"/app/\""),
                new Case("SCRIPT_NAME not starting with /", Rule.SCRIPT_NAME,
                        () -> get().scriptName("app").send(),
                        "[SCRIPT_NAME] SCRIPT_NAME must be \"\" or start with \"/\" and not end with \"/\"; got \"app\""),
                new Case("PATH_INFO not starting with /", Rule.PATH_INFO,
                        () -> get().environ("PATH_INFO", "items").send(),
                        "[PATH_INFO] PATH_INFO must be \"\" or start with \"/\"; got \"items\""),
                new Case("SCRIPT_NAME and PATH_INFO both empty", Rule.PATH_INFO,
                        () -> get().environ("PATH_INFO", "").send(),
                        "[PATH_INFO] SCRIPT_NAME and PATH_INFO must not both be empty (PATH_INFO is at least \"/\" when"
                                + " the application is mounted at the root); got \"\" and \"\""),
                new Case("HTTP_CONTENT_LENGTH", Rule.HTTP_CONTENT_HEADER,
                        () -> get().environ("HTTP_CONTENT_LENGTH", "4").send(),
                        "[HTTP_CONTENT_HEADER] the request's Content-Length must be CONTENT_LENGTH, never"
                                + " HTTP_CONTENT_LENGTH; got HTTP_CONTENT_LENGTH=\"4\""),
                new Case("HTTP_CONTENT_TYPE", Rule.HTTP_CONTENT_HEADER,
                        () -> get().environ("HTTP_CONTENT_TYPE", "text/plain").send(),
                        "[HTTP_CONTENT_HEADER] the request's Content-Type must be CONTENT_TYPE, never"
                                + " HTTP_CONTENT_TYPE; got HTTP_CONTENT_TYPE=\"text/plain\""));
    }

    static Stream<Case> applicationCases() {
        return Stream.of(
                new Case("call returns null", Rule.NULL_BODY,
                        () -> send(new NullBody()),
                        "[NULL_BODY] io.jwsgi.testing.ValidatorRulesTest$NullBody.call returned null; return an"
                                + " Iterable<byte[]> (List.of() for an empty body)"),
                new Case("iterator() returns null", Rule.NULL_BODY,
                        () -> send(started(new NullIterator())),
                        "[NULL_BODY] iterator() of io.jwsgi.testing.ValidatorRulesTest$NullIterator returned null;"
                                + " return an Iterator<byte[]>"),
                new Case("status without a space", Rule.STATUS,
                        () -> send(starting("200OK", TEXT)),
                        "[STATUS] Status must be three digits, one space and a reason phrase (\"NNN Reason\","
                                + " e.g. \"200 OK\"), got \"200OK\""),
                new Case("null status", Rule.STATUS,
                        () -> send(starting(null, TEXT)),
                        "[STATUS] Status must be a String of the form \"NNN Reason\", got null"),
                new Case("status splitting the response", Rule.STATUS,
                        () -> send(starting("200 OK\r\nX-Injected: 1", TEXT)),
                        "[STATUS] Status reason phrase must not hold control characters (response splitting),"
                                + " got \"200 OK\\r\\nX-Injected: 1\""),
                new Case("null header list", Rule.HEADERS,
                        () -> send(starting("200 OK", null)),
                        "[HEADERS] headers must be a List<Header> (List.of() for none), got null"),
                new Case("null header", Rule.HEADERS,
                        () -> send(starting("200 OK", Arrays.asList(TEXT.get(0), null))),
                        "[HEADERS] headers must not hold null elements, got null at index 1"),
                new Case("header name not a token", Rule.HEADERS,
                        () -> send(starting("200 OK", List.of(new Header("Bad Name", "x")))),
                        "[HEADERS] Header name must be an HTTP token (RFC 9110: letters, digits and"
                                + " !#$%&'*+-.^_`|~), got \"Bad Name\""),
                new Case("header value splitting the response", Rule.HEADERS,
                        () -> send(starting("200 OK", List.of(new Header("X-Next", "a\nSet-Cookie: x")))),
                        "[HEADERS] Header value must not hold CR, LF or other control characters (response"
                                + " splitting), got X-Next: \"a\\nSet-Cookie: x\" with \\u000a at index 1"),
                new Case("CGI Status header", Rule.HEADERS,
                        () -> send(starting("200 OK", List.of(new Header("Status", "404")))),
                        "[HEADERS] a \"Status\" header is CGI's way to set the status; pass the status to start"
                                + " instead; got Status: \"404\""),
                new Case("Content-Length not a number", Rule.HEADERS,
                        () -> send(starting("200 OK", List.of(new Header("Content-Length", "abc")))),
                        "[HEADERS] Content-Length must be a non-negative decimal integer, got \"abc\""),
                new Case("two Content-Lengths", Rule.HEADERS,
                        () -> send(starting("200 OK", List.of(new Header("Content-Length", "3"),
                                new Header("Content-Length", "4")))),
                        "[HEADERS] Content-Length must be given once, got both 3 and 4"),
                new Case("Connection header", Rule.HOP_BY_HOP,
                        () -> send(starting("200 OK", List.of(new Header("Connection", "close")))),
                        "[HOP_BY_HOP] Header \"Connection\" is hop-by-hop and belongs to the server (PEP 3333);"
                                + " remove it from the application's headers"),
                new Case("Transfer-Encoding header", Rule.HOP_BY_HOP,
                        () -> send(starting("200 OK", List.of(new Header("transfer-encoding", "chunked")))),
                        "[HOP_BY_HOP] Header \"transfer-encoding\" is hop-by-hop and belongs to the server (PEP 3333);"
                                + " remove it from the application's headers"),
                new Case("body shorter than Content-Length", Rule.CONTENT_LENGTH,
                        () -> send(lengthApp("10", "short")),
                        "[CONTENT_LENGTH] the body ended after 5 of the 10 bytes its Content-Length declared;"
                                + " the client would see an incomplete response"),
                new Case("body longer than Content-Length", Rule.CONTENT_LENGTH,
                        () -> send(lengthApp("5", "HelloWorld")),
                        "[CONTENT_LENGTH] the body passed its Content-Length: 10 bytes yielded so far, 5 declared;"
                                + " the server would drop the excess"),
                new Case("start twice without excInfo", Rule.START_TWICE,
                        () -> send((environ, start) -> {
                            start.start("200 OK", TEXT);
                            start.start("404 Not Found", TEXT);
                            return List.of();
                        }),
                        "[START_TWICE] start called a second time without excInfo; first status \"200 OK\", second"
                                + " \"404 Not Found\"; pass the caught exception as excInfo to replace the status and"
                                + " headers before they are sent"),
                new Case("chunk before start", Rule.START_MISSING,
                        () -> send((environ, start) -> List.of(bytes("early"))),
                        "[START_MISSING] a non-empty chunk (5 bytes) was yielded before start was called; call start"
                                + " before yielding the first non-empty chunk"),
                new Case("body ends without start", Rule.START_MISSING,
                        () -> send((environ, start) -> List.of()),
                        "[START_MISSING] the body ended (hasNext returned false) but start was never called; call"
                                + " start before the body ends"),
                new Case("null chunk", Rule.NULL_CHUNK,
                        () -> send(started(Arrays.asList(bytes("a"), null))),
                        "[NULL_CHUNK] the iterable yielded null; yield new byte[0] for an empty chunk"),
                new Case("write(null)", Rule.NULL_CHUNK,
                        () -> send((environ, start) -> {
                            start.start("200 OK", TEXT).write(null);
                            return List.of();
                        }),
                        "[NULL_CHUNK] write() needs a byte[], got null; write new byte[0] (or nothing) to send nothing"),
                new Case("write while the app sleeps", Rule.WRITE_OUTSIDE_APPLICATION,
                        ValidatorRulesTest::writeWhileAsleep,
                        "[WRITE_OUTSIDE_APPLICATION] write() called after the iterable was returned, outside call,"
                                + " hasNext and next; write only while the server runs the application (inside call,"
                                + " hasNext or next, on that thread), or yield the bytes as a chunk"),
                new Case("write after the end", Rule.WRITE_OUTSIDE_APPLICATION,
                        ValidatorRulesTest::writeAfterTheEnd,
                        "[WRITE_OUTSIDE_APPLICATION] write() called after the body ended; write only while the server"
                                + " runs the application (inside call, hasNext or next, on that thread), or yield the"
                                + " bytes as a chunk"),
                new Case("wsgi.input read after -1", Rule.INPUT_PAST_END,
                        () -> MockContainer.of((environ, start) -> {
                            InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
                            in.readAllBytes();
                            in.read();
                            return List.of();
                        }).post("/", "ping").send(),
                        "[INPUT_PAST_END] wsgi.input read again after a read returned -1 (the end of the body); stop"
                                + " reading at the first -1"),
                new Case("sleep twice without a yield", Rule.SLEEP_TWICE,
                        () -> send((environ, start) -> {
                            Apps.sleep(environ).run();
                            Apps.sleep(environ).run();
                            return List.of();
                        }),
                        "[SLEEP_TWICE] async.sleep called twice without a yield in between; call it once, then yield"
                                + " a chunk (normally new byte[0]) and return from next()"),
                new Case("sleep after the response ended", Rule.SLEEP_AFTER_END,
                        ValidatorRulesTest::sleepAfterTheEnd,
                        "[SLEEP_AFTER_END] async.sleep called after the iterable was closed; the response is over,"
                                + " there is nothing to suspend"),
                new Case("sleep after the body ended", Rule.SLEEP_AFTER_END,
                        ValidatorRulesTest::sleepAfterTheLastChunk,
                        "[SLEEP_AFTER_END] async.sleep called after the body ended (hasNext returned false); the"
                                + " response is over, there is nothing to suspend"));
    }

    static Stream<Case> serverCases() {
        return Stream.of(
                new Case("iterator() twice", Rule.ITERATOR_TWICE,
                        () -> {
                            Iterable<byte[]> body = direct(started(new Chunks("a")), environ -> { });
                            body.iterator();
                            body.iterator();
                        },
                        "[ITERATOR_TWICE] iterator() called a second time on the iterable"
                                + " (io.jwsgi.testing.ValidatorRulesTest$Chunks); the server iterates the body once"),
                new Case("next() after the end", Rule.NEXT_AFTER_END,
                        () -> {
                            Iterator<byte[]> chunks = direct(started(new Chunks()), environ -> { }).iterator();
                            chunks.hasNext();
                            chunks.next();
                        },
                        "[NEXT_AFTER_END] next() called after hasNext() returned false; the server stops pulling at"
                                + " the end of the body"),
                new Case("hasNext() after close()", Rule.USE_AFTER_CLOSE,
                        () -> {
                            Iterable<byte[]> body = direct(started(new Chunks("a")), environ -> { });
                            Iterator<byte[]> chunks = body.iterator();
                            ((AutoCloseable) body).close();
                            chunks.hasNext();
                        },
                        "[USE_AFTER_CLOSE] hasNext() called after close(); the server must not use the iterable"
                                + " (io.jwsgi.testing.ValidatorRulesTest$Chunks) once it is closed"),
                new Case("close() twice", Rule.CLOSE_TWICE,
                        () -> {
                            AutoCloseable body = (AutoCloseable) direct(started(new Chunks()), environ -> { });
                            body.close();
                            body.close();
                        },
                        "[CLOSE_TWICE] close() called 2 times on the iterable"
                                + " (io.jwsgi.testing.ValidatorRulesTest$Chunks); the server closes it exactly once"),
                new Case("close() never called", Rule.CLOSE_MISSING,
                        () -> {
                            Report report = new Report();
                            Iterator<byte[]> chunks = Validator.wrap(started(new Chunks())).call(directEnviron(),
                                    ValidatorRulesTest::ignore, report).iterator();
                            chunks.hasNext();
                            report.responseOver();
                        },
                        "[CLOSE_MISSING] the response is over but the iterable"
                                + " (io.jwsgi.testing.ValidatorRulesTest$Chunks) was never closed; the server must"
                                + " call close() once, whatever ended the response"));
    }

    private static MockRequest get() {
        return MockContainer.of(OK).get("/");
    }

    private static MockResponse send(Application app) {
        return MockContainer.of(app).get("/").send();
    }

    /** An app that starts with the given status and headers and sends nothing. */
    private static Application starting(String status, List<Header> headers) {
        return (environ, start) -> {
            start.start(status, headers);
            return List.of();
        };
    }

    /** An app that starts "200 OK" text/plain and returns the given body. */
    private static Application started(Iterable<byte[]> body) {
        return (environ, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };
    }

    private static Application lengthApp(String declared, String body) {
        return (environ, start) -> {
            start.start("200 OK", List.of(TEXT.get(0), new Header("Content-Length", declared)));
            return List.of(bytes(body));
        };
    }

    private static void writeWhileAsleep() throws Exception {
        AtomicReference<Write> write = new AtomicReference<>();
        Application app = (environ, start) -> {
            write.set(start.start("200 OK", TEXT));
            Apps.sleep(environ).run();
            return List.of();
        };
        try (MockExchange exchange = MockContainer.of(app).get("/").start()) {
            assertThat(exchange.isSleeping()).isTrue();
            write.get().write(bytes("from outside"));
        }
    }

    private static void writeAfterTheEnd() throws Exception {
        AtomicReference<Write> write = new AtomicReference<>();
        send((environ, start) -> {
            write.set(start.start("200 OK", TEXT));
            return List.of(bytes("x"));
        });
        write.get().write(bytes("late"));
    }

    private static void sleepAfterTheEnd() {
        AtomicReference<Runnable> sleep = new AtomicReference<>();
        send((environ, start) -> {
            sleep.set(Apps.sleep(environ));
            start.start("200 OK", TEXT);
            return List.of(bytes("x"));
        });
        sleep.get().run();
    }

    private static void sleepAfterTheLastChunk() throws Exception {
        AtomicReference<Runnable> sleep = new AtomicReference<>();
        Iterator<byte[]> chunks = direct((environ, start) -> {
            sleep.set(Apps.sleep(environ));
            start.start("200 OK", TEXT);
            return new Chunks("x");
        }, environ -> { }).iterator();
        chunks.hasNext();
        chunks.next();
        chunks.hasNext();
        sleep.get().run();
    }

    /** Calls the validator directly, as a server would, with an environ the given action may spoil. */
    private static Iterable<byte[]> direct(Application app, java.util.function.Consumer<Map<String, Object>> spoil)
            throws Exception {
        Map<String, Object> environ = directEnviron();
        spoil.accept(environ);
        return Validator.wrap(app).call(environ, ValidatorRulesTest::ignore);
    }

    private static Map<String, Object> directEnviron() {
        Runnable nothing = () -> { };
        return EnvironBuilder.of("GET", "/").set(Environ.ASYNC_SLEEP, nothing).set(Environ.ASYNC_WAKE, nothing).build();
    }

    private static Write ignore(String status, List<Header> headers, Throwable excInfo) {
        return data -> { };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void putIntegerKey(Map<String, Object> environ) {
        ((Map) environ).put(42, "x");
    }

    /** Returns null from call. */
    static final class NullBody implements Application {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            return null;
        }
    }

    /** An iterable whose iterator() is null. */
    static final class NullIterator implements Iterable<byte[]> {
        @Override
        public Iterator<byte[]> iterator() {
            return null;
        }
    }

    /** A closeable iterable of fixed chunks. */
    static final class Chunks implements Iterable<byte[]>, AutoCloseable {
        private final List<byte[]> chunks;

        Chunks(String... texts) {
            this.chunks = Stream.of(texts).map(Apps::bytes).toList();
        }

        @Override
        public Iterator<byte[]> iterator() {
            return chunks.iterator();
        }

        @Override
        public void close() {
        }
    }
}
