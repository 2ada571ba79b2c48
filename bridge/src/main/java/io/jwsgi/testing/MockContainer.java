package io.jwsgi.testing;

import io.jwsgi.Application;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a JWSGI application in a test, without a server, exactly as the servlet bridge runs it:
 *
 * <pre>{@code
 * MockResponse response = MockContainer.of(new HelloApp()).get("/hello?name=Ada")
 *         .header("Accept", "text/plain")
 *         .send();
 * assertThat(response.status()).isEqualTo(200);
 * assertThat(response.text()).isEqualTo("Hello, Ada\n");
 * }</pre>
 *
 * <p>Each request is served by the same {@link io.jwsgi.server.Pump} the bridge uses, through an
 * in-memory client connection: lazy headers, {@code excInfo}, {@code write}, empty chunks,
 * {@code Content-Length}, error pages, {@code close()}, and {@code async.sleep}/{@code async.wake}
 * for real. What passes here behaves the same in a servlet container.
 *
 * <p>By default the application is wrapped in a {@link Validator}, and a rule it breaks fails the
 * test with a {@link ValidationError} (not a {@code 500}); {@link #withoutValidator()} turns that
 * off, to see what a client would get. {@link MockRequest#send()} waits for the response to end up
 * to the {@link #deadline}; {@link MockRequest#start()} returns a {@link MockExchange} that steps
 * the response instead: sleep and wake, a client that is not ready at the write or
 * ({@link MockRequest#slowFlush()}) at the flush, a client that leaves, the idle timeout.
 * {@link #nonBlocking()} serves as the servlet does with {@code non-blocking=true}.
 *
 * <p>A container holds only settings: requests are independent of each other, each with its own
 * thread while it runs, so one container may serve many requests at once (a long-poll and the
 * request that wakes it, say).
 */
public final class MockContainer {

    /** How long {@link MockRequest#send()} and the {@link MockExchange} methods wait, unless set otherwise. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private final Application app;
    private volatile boolean validate = true;
    private volatile Duration deadline = DEFAULT_DEADLINE;
    private volatile Duration idleTimeout = Duration.ZERO;
    private volatile boolean nonBlocking;

    private MockContainer(Application app) {
        this.app = app;
    }

    /**
     * Creates a container for an application, validated, with the default deadline and no idle timeout.
     *
     * @param app the application under test
     * @return the container
     */
    public static MockContainer of(Application app) {
        return new MockContainer(Objects.requireNonNull(app, "app"));
    }

    /**
     * Runs the application as it is, without the {@link Validator}: a broken rule then gives what a
     * client would get from the bridge (a {@code 500}, a cut connection).
     *
     * @return this container
     */
    public MockContainer withoutValidator() {
        this.validate = false;
        return this;
    }

    /**
     * Sets how long waits last: {@link MockRequest#send()} for the response to end, and each
     * {@link MockExchange} method for the exchange to settle or for its event.
     *
     * @param value a positive duration; default {@link #DEFAULT_DEADLINE}
     * @return this container
     */
    public MockContainer deadline(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + value);
        }
        this.deadline = value;
        return this;
    }

    /**
     * Sets the idle timeout (the servlet's {@code async-timeout}): a response without progress for
     * this long is ended by the engine's timer, as on a server. {@link MockExchange#timeout()}
     * fires it on demand instead.
     *
     * @param value the timeout; {@link Duration#ZERO}, the default, means never
     * @return this container
     */
    public MockContainer idleTimeout(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("idle timeout must be >= 0 (0 = never), got " + value);
        }
        this.idleTimeout = value;
        return this;
    }

    /**
     * Serves as {@code JwsgiServlet} does with its init-param {@code non-blocking=true}: the turn
     * each {@code onWritePossible} asks for runs inside that callback, on the container's thread
     * (here the exchange's own), through the engine's {@code runInline}, as the servlet does; the
     * {@code write} callable that {@code start} returns refuses every call, through the servlet's
     * own {@link io.jwsgi.servlet.NonBlocking} view (the application gets an
     * {@code IllegalStateException}, the client a {@code 500}); the chunks of one turn are
     * written back to back and flushed once, where the turn ends (the engine's
     * {@code nonBlocking}); and the request body is whole before the application runs, as the
     * servlet's {@code input=buffer}, which the mock's always is. Wakes and the idle timeout still
     * resume the response through the engine's executor.
     *
     * @return this container
     */
    public MockContainer nonBlocking() {
        this.nonBlocking = true;
        return this;
    }

    /**
     * Starts a {@code GET} request.
     *
     * @param target the path and query, as on the request line: {@code "/a%20b?q=1"}
     * @return the request, to add headers to and send
     */
    public MockRequest get(String target) {
        return request("GET", target);
    }

    /**
     * Starts a {@code HEAD} request; its response has no body, as from a container.
     *
     * @param target the path and query
     * @return the request
     */
    public MockRequest head(String target) {
        return request("HEAD", target);
    }

    /**
     * Starts a {@code POST} request with a text body, encoded as UTF-8, of type
     * {@code text/plain; charset=utf-8} unless a {@code Content-Type} header says otherwise.
     *
     * @param target the path and query
     * @param body the body
     * @return the request
     */
    public MockRequest post(String target, String body) {
        return request("POST", target).body(body);
    }

    /**
     * Starts a {@code POST} request with a body of type {@code application/octet-stream} unless a
     * {@code Content-Type} header says otherwise.
     *
     * @param target the path and query
     * @param body the body
     * @return the request
     */
    public MockRequest post(String target, byte[] body) {
        return request("POST", target).body(body);
    }

    /**
     * Starts a request with any method.
     *
     * @param method the HTTP method
     * @param target the path and query
     * @return the request
     */
    public MockRequest request(String method, String target) {
        return new MockRequest(this, EnvironBuilder.of(method, target));
    }

    Application application() {
        return app;
    }

    boolean validates() {
        return validate;
    }

    Duration deadline() {
        return deadline;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    boolean isNonBlocking() {
        return nonBlocking;
    }
}
