package io.jwsgi.testing;

import io.jwsgi.testing.ValidationError.Rule;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the validator found in one request: the broken rules (each also thrown where it was found)
 * and the warnings (also written to {@code wsgi.errors}). Shared between the server's threads and
 * the test's, hence synchronized.
 */
final class Report {

    /** The prefix of each warning line written to {@code wsgi.errors}. */
    static final String WARNING_PREFIX = "JWSGI validator warning: ";

    private final List<ValidationError> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private PrintWriter log;
    private CheckedRequest request;
    private Reports exchange;

    /** Records a broken rule and returns it for the caller to throw. */
    ValidationError fail(Rule rule, String detail) {
        ValidationError error = new ValidationError(rule, detail);
        Reports watcher;
        synchronized (this) {
            errors.add(error);
            watcher = exchange;
        }
        if (watcher != null) {
            watcher.failed(error);
        }
        return error;
    }

    /** Reports each broken rule to the mock exchange this report belongs to, from now on. */
    synchronized void watchedBy(Reports reports) {
        this.exchange = reports;
    }

    /** Records a soft problem and writes it to {@code wsgi.errors}. */
    void warn(String text) {
        PrintWriter out;
        synchronized (this) {
            warnings.add(text);
            out = log;
        }
        if (out != null) {
            out.println(WARNING_PREFIX + text);
            out.flush();
        }
    }

    synchronized void logTo(PrintWriter errors) {
        this.log = errors;
    }

    synchronized void attach(CheckedRequest checked) {
        this.request = checked;
    }

    /** The first broken rule, or {@code null}. */
    synchronized ValidationError firstError() {
        return errors.isEmpty() ? null : errors.get(0);
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Called by the server once the response is over: checks what can only be checked then
     * (the iterable was closed).
     *
     * @throws ValidationError if a rule was broken
     */
    void responseOver() {
        CheckedRequest checked;
        synchronized (this) {
            checked = request;
        }
        if (checked != null) {
            checked.responseOver();
        }
    }
}
