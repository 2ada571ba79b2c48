package io.jwsgi.testing;

/**
 * A request being prepared for a {@link MockContainer}: headers, body and environ overrides, then
 * {@link #send()} to get the whole response, or {@link #start()} to step it.
 *
 * <pre>{@code
 * MockResponse response = container.post("/items", "{\"name\":\"pen\"}")
 *         .header("Content-Type", "application/json")
 *         .scriptName("/shop")
 *         .send();
 * }</pre>
 *
 * <p>The environ is built by an {@link EnvironBuilder}; see it for the defaults and for how
 * headers map to keys.
 */
public final class MockRequest {

    private final MockContainer container;
    private final EnvironBuilder environ;
    private int clientTakes = MockChannel.UNLIMITED;
    private boolean takesSet;
    private boolean slowFlush;

    MockRequest(MockContainer container, EnvironBuilder environ) {
        this.container = container;
        this.environ = environ;
    }

    /**
     * Adds a request header ({@code HTTP_*} key, or {@code CONTENT_TYPE}/{@code CONTENT_LENGTH}).
     *
     * @param name the header name; names holding {@code _} are dropped, as by the bridge
     * @param value the value; a name given again adds a value
     * @return this request
     */
    public MockRequest header(String name, String value) {
        environ.header(name, value);
        return this;
    }

    /**
     * Sets the body; see {@link EnvironBuilder#body(byte[])}.
     *
     * @param bytes the body
     * @return this request
     */
    public MockRequest body(byte[] bytes) {
        environ.body(bytes);
        return this;
    }

    /**
     * Sets a text body; see {@link EnvironBuilder#body(String)}.
     *
     * @param text the body, encoded as UTF-8
     * @return this request
     */
    public MockRequest body(String text) {
        environ.body(text);
        return this;
    }

    /**
     * Mounts the application at a path: sets {@code SCRIPT_NAME}; the target given to the
     * container stays {@code PATH_INFO}.
     *
     * @param scriptName {@code ""}, or a path starting with {@code /} and not ending with {@code /}
     * @return this request
     */
    public MockRequest scriptName(String scriptName) {
        environ.scriptName(scriptName);
        return this;
    }

    /**
     * Sets any environ key to any value, valid or not.
     *
     * @param key the environ key
     * @param value its value
     * @return this request
     */
    public MockRequest environ(String key, Object value) {
        environ.set(key, value);
        return this;
    }

    /**
     * Leaves a key out of the environ, even a required one.
     *
     * @param key the environ key
     * @return this request
     */
    public MockRequest without(String key) {
        environ.remove(key);
        return this;
    }

    /**
     * Makes the simulated client take only {@code writes} writes, then say it is not ready until
     * the test calls {@link MockExchange#clientReady()} or {@link MockExchange#clientTakes(int)}.
     * With {@code 0}, even the first chunk waits. For {@link #start()}; {@link #send()} would fail
     * at its deadline with the response waiting for the client.
     *
     * @param writes how many writes the client takes at first
     * @return this request
     */
    public MockRequest clientTakes(int writes) {
        if (writes < 0) {
            throw new IllegalArgumentException("writes must be >= 0, got " + writes);
        }
        this.clientTakes = writes;
        this.takesSet = true;
        return this;
    }

    /**
     * Makes the simulated client slow at the flush instead of at the write, as a client that
     * reads slowly behind a container's output buffer: every write is accepted at once, but the
     * flush after it finds the output not ready ({@code isReady()} says no, so the pump waits for
     * {@code onWritePossible}, holding no thread) until the test lets the client take it, with
     * {@link MockExchange#clientTakes(int)} (that many flushes) or
     * {@link MockExchange#clientReady()} (all). A chunk counts as received when it is written,
     * before its flush; the next one is not pulled before the flush (PEP 3333's no-delay rule).
     * With {@link MockContainer#nonBlocking()}, where the chunks of a turn share one flush, the
     * output is not ready for anything after a write until the client takes a flush: the next
     * chunk is pulled, and its write waits as the flush would.
     * The client takes no flush at first unless {@link #clientTakes(int)} says how many. For
     * {@link #start()}, as {@code clientTakes}.
     *
     * @return this request
     */
    public MockRequest slowFlush() {
        this.slowFlush = true;
        return this;
    }

    /**
     * Sends the request and waits for the whole response, up to the container's deadline.
     *
     * @return the response
     * @throws ValidationError the first rule the application broke (with the validator on), or
     *         {@link ValidationError.Rule#NEVER_WOKEN} if it sleeps and nothing woke it by the deadline
     * @throws AssertionError if the response did not end by the deadline for another reason
     */
    public MockResponse send() {
        return start().awaitDone();
    }

    /**
     * Starts the request and returns at once: the application runs on the exchange's thread, and
     * the test steps the response with the {@link MockExchange}.
     *
     * @return the exchange
     */
    public MockExchange start() {
        int credits = slowFlush && !takesSet ? 0 : clientTakes;
        return new MockExchange(container, environ, credits, slowFlush);
    }

    @Override
    public String toString() {
        return environ.toString();
    }
}
