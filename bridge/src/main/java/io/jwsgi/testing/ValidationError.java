package io.jwsgi.testing;

/**
 * A broken rule of the JWSGI contract, found by the {@link Validator} (or, for
 * {@link Rule#NEVER_WOKEN}, by the {@link MockContainer}).
 *
 * <p>It is an {@link AssertionError}, so that a test framework reports it as a failed test, not as
 * an error of the test itself. Its message names the rule, what was expected and the offending
 * value, in the manner of Python's {@code wsgiref.validate}:
 *
 * <pre>
 * [SCRIPT_NAME] SCRIPT_NAME must be "" or start with "/" and not end with "/"; got "/app/"
 * </pre>
 *
 * <p>Thrown inside a server (from {@code call}, {@code start}, {@code next}...), it is an
 * application error like any other: the client gets {@code 500}; thrown from {@code close()}, it
 * is only logged. The mock container therefore remembers the first one, wherever it was thrown,
 * and rethrows it to the test from {@link MockRequest#send()} and the {@link MockExchange}
 * methods, instead of handing the test a {@code 500}.
 */
public final class ValidationError extends AssertionError {

    private static final long serialVersionUID = 1L;

    /** The rules the validator enforces; each constant's javadoc says what it expects. */
    public enum Rule {
        /** A key the specification requires in every environ is absent. */
        ENVIRON_KEY_MISSING,
        /** An environ key is not a {@code String}, or a value does not have the type the specification gives its key. */
        ENVIRON_KEY_TYPE,
        /** An environ value has the right type but the wrong form (a port that is not a number, ...). */
        ENVIRON_VALUE,
        /** {@code SCRIPT_NAME} must be {@code ""} or start with {@code /} and not end with {@code /}. */
        SCRIPT_NAME,
        /** {@code PATH_INFO} must be {@code ""} or start with {@code /}; it and {@code SCRIPT_NAME} are not both empty. */
        PATH_INFO,
        /** {@code Content-Type}/{@code Content-Length} are {@code CONTENT_TYPE}/{@code CONTENT_LENGTH}, never {@code HTTP_*}. */
        HTTP_CONTENT_HEADER,
        /** {@code call} must return an {@code Iterable<byte[]>}, never {@code null}, whose {@code iterator()} is not {@code null}. */
        NULL_BODY,
        /** The status must be {@code "NNN Reason"}. */
        STATUS,
        /** The header list and each header must be well formed (token name, no control character in the value). */
        HEADERS,
        /** Hop-by-hop headers belong to the server, not to the application. */
        HOP_BY_HOP,
        /** A body with a {@code Content-Length} has exactly that many bytes (HEAD, 1xx, 204 and 304 excepted). */
        CONTENT_LENGTH,
        /** A second {@code start} needs {@code excInfo}. */
        START_TWICE,
        /** {@code start} must be called before the first non-empty chunk, and before the body ends. */
        START_MISSING,
        /** A chunk (yielded or written) must be a {@code byte[]}, never {@code null}. */
        NULL_CHUNK,
        /** {@code write} may be called only inside {@code call}, {@code hasNext} or {@code next}, on the thread running them. */
        WRITE_OUTSIDE_APPLICATION,
        /** {@code wsgi.input} must not be read again after a read returned {@code -1}. */
        INPUT_PAST_END,
        /** The server takes the iterable's iterator once. */
        ITERATOR_TWICE,
        /** The server does not call {@code next} after {@code hasNext} returned {@code false}. */
        NEXT_AFTER_END,
        /** The server does not use the iterable after closing it. */
        USE_AFTER_CLOSE,
        /** The server closes the iterable once. */
        CLOSE_TWICE,
        /** The server closes the iterable when the response is over, whatever ended it. */
        CLOSE_MISSING,
        /** {@code async.sleep} once, then a yield (a chunk, or the return of {@code call}), before the next sleep. */
        SLEEP_TWICE,
        /** {@code async.sleep} is meaningless once the body ended or the iterable was closed. */
        SLEEP_AFTER_END,
        /** The application slept and nothing woke it before the test's deadline (reported by the mock container). */
        NEVER_WOKEN
    }

    private final Rule rule;

    ValidationError(Rule rule, String detail) {
        super("[" + rule.name() + "] " + detail);
        this.rule = rule;
    }

    /**
     * Returns the rule that was broken.
     *
     * @return the rule
     */
    public Rule rule() {
        return rule;
    }
}
