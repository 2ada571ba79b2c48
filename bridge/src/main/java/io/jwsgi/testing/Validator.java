package io.jwsgi.testing;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import io.jwsgi.testing.ValidationError.Rule;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * A middleware that checks both sides of the JWSGI contract, as Python's {@code wsgiref.validate}
 * does for PEP 3333:
 *
 * <pre>{@code
 * Application checked = Validator.wrap(new MyApp());
 * }</pre>
 *
 * <p>{@link MockContainer} wraps every application in one by default. Each broken rule throws a
 * {@link ValidationError} (an {@code AssertionError}) where it is found, whose message names the
 * rule, what was expected and the offending value; {@link ValidationError.Rule} lists the rules:
 *
 * <ul>
 *   <li>the environ the server passes: every required key present with the type SPEC.md gives
 *       it, every key without a dot (CGI and {@code HTTP_*}) a {@code String}, well-formed
 *       {@code SCRIPT_NAME}, {@code PATH_INFO}, ports, lengths, scheme and version, and no
 *       {@code HTTP_CONTENT_TYPE}/{@code HTTP_CONTENT_LENGTH};</li>
 *   <li>what the application does: status and headers (the server's own
 *       {@link io.jwsgi.server.HeaderRules}), {@code start} before the first non-empty chunk and
 *       before the body ends, a second {@code start} only with {@code excInfo}, no {@code null}
 *       chunk, {@code write} only while the server runs the application, a body as long as its
 *       {@code Content-Length}, no read of {@code wsgi.input} after it returned {@code -1};</li>
 *   <li>what the server does with the iterable: {@code iterator()} once, no {@code next()} after
 *       the end, nothing after {@code close()}, {@code close()} exactly once and at all. These
 *       guard whatever closes the validator's iterable: the mock's pump, or a middleware the
 *       application puts around a validator of its own. A missing {@code close()} is reported
 *       when the response is over, which only the {@link MockContainer} tells: at the end of each
 *       exchange it checks every validator called on the exchange's thread, the one it wraps the
 *       application in and any the application stacks inside itself. Served by a servlet
 *       container, a validator never learns that the response is over, so a missing
 *       {@code close()} goes unreported there;</li>
 *   <li>the async protocol: one {@code async.sleep} per yield, no sleep once the body ended.</li>
 * </ul>
 *
 * <p>Soft problems are warnings, written to {@code wsgi.errors} as lines starting with
 * {@code "JWSGI validator warning: "}: a body without {@code Content-Type}, a body on a
 * {@code HEAD}, {@code 1xx}, {@code 204} or {@code 304} response, a {@code Content-Type} on
 * {@code 204}/{@code 304}, a {@code 200} with an empty body and no {@code Content-Length}, a status
 * above 599.
 *
 * <p>The validator keeps the control flow of the application it wraps: one chunk out for each
 * chunk in, empty chunks passed through, {@code close()} passed through once, {@code write} calls
 * passed through in order; so sleeping applications keep working behind it. It replaces
 * {@code wsgi.input} and {@code async.sleep} in the environ with checking versions.
 */
public final class Validator implements Application {

    private final Application app;
    private final String appName;

    private Validator(Application app, String appName) {
        this.app = app;
        this.appName = appName;
    }

    /**
     * Wraps an application.
     *
     * @param app the application to check
     * @return the checking application
     */
    public static Validator wrap(Application app) {
        return new Validator(Objects.requireNonNull(app, "app"), app.getClass().getName());
    }

    /** Wraps an application known to messages by another name (the mock's probe around the real one). */
    static Validator wrap(Application app, String appName) {
        return new Validator(app, appName);
    }

    /**
     * Returns the wrapped application.
     *
     * @return the application given to {@link #wrap}
     */
    public Application application() {
        return app;
    }

    /**
     * Checks the environ, calls the application with checking versions of {@code start},
     * {@code wsgi.input} and {@code async.sleep}, and returns a checking view of its body. Called
     * on the thread of a {@link MockContainer} exchange (behind a middleware of the application,
     * say), it also reports to that exchange: the exchange rethrows the first rule it found, also
     * one thrown from {@code close()}, and checks at its end that the body was closed.
     *
     * @throws ValidationError if the environ or the application breaks a rule
     * @throws Exception whatever the application throws, unchanged
     */
    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        return call(environ, startResponse, Reports.open());
    }

    /** Like {@link #call(Map, StartResponse)}, recording what it finds in {@code report}. */
    Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse, Report report) throws Exception {
        EnvironRules.check(environ, report);
        report.logTo((PrintWriter) environ.get(Environ.WSGI_ERRORS));
        CheckedRequest request = new CheckedRequest(environ, startResponse, report);
        report.attach(request);
        environ.put(Environ.WSGI_INPUT, new CheckedInput((InputStream) environ.get(Environ.WSGI_INPUT), report));
        environ.put(Environ.ASYNC_SLEEP, (Runnable) request::sleep);
        Iterable<byte[]> body;
        Thread previous = request.enter();
        try {
            body = app.call(environ, request);
        } finally {
            request.exit(previous);
        }
        if (body == null) {
            throw report.fail(Rule.NULL_BODY, appName + ".call returned null; return an"
                    + " Iterable<byte[]> (List.of() for an empty body)");
        }
        request.yielded();
        request.returned(body);
        return new CheckedBody(body, request);
    }

    @Override
    public String toString() {
        return "Validator(" + app + ")";
    }
}
