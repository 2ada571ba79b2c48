package io.jwsgi.testing;

import static io.jwsgi.testing.EnvironRules.quote;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import io.jwsgi.server.HeaderRules;
import io.jwsgi.testing.ValidationError.Rule;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validator's view of one request: the {@code start}, {@code write} and {@code async.sleep}
 * the application is handed, and the state the rules need (who runs the application now, whether
 * the body ended, how many bytes went out). The iterable side is {@link CheckedBody}.
 * Synchronized: {@code async.sleep} and a stray {@code write} may come from any thread.
 */
final class CheckedRequest implements StartResponse {

    private final Report report;
    private final StartResponse server;
    private final Runnable serverSleep;
    private final boolean headRequest;

    private String status;
    private int code;
    private List<Header> headers = List.of();
    private long declaredLength = -1;
    private Thread runner;
    private boolean returned;
    private boolean bodyEnded;
    private boolean closed;
    private int closes;
    private boolean sleepPending;
    private long bodyBytes;
    private String bodyClass;

    CheckedRequest(Map<String, Object> environ, StartResponse server, Report report) {
        this.report = report;
        this.server = server;
        this.serverSleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        this.headRequest = "HEAD".equals(environ.get(Environ.REQUEST_METHOD));
    }

    /** Marks the current thread as running the application; returns the previous runner, for {@link #exit}. */
    synchronized Thread enter() {
        Thread previous = runner;
        runner = Thread.currentThread();
        return previous;
    }

    synchronized void exit(Thread previous) {
        runner = previous;
    }

    Report report() {
        return report;
    }

    @Override
    public Write start(String newStatus, List<Header> newHeaders, Throwable excInfo) {
        synchronized (this) {
            if (excInfo == null && status != null) {
                throw report.fail(Rule.START_TWICE, "start called a second time without excInfo; first status "
                        + quote(status) + ", second " + quote(newStatus) + "; pass the caught exception as excInfo"
                        + " to replace the status and headers before they are sent");
            }
        }
        int newCode = checkStatus(newStatus);
        checkHeaders(newHeaders);
        long length = contentLength(newHeaders);
        synchronized (this) {
            status = newStatus;
            code = newCode;
            headers = List.copyOf(newHeaders);
            declaredLength = length;
        }
        if ((newCode == 204 || newCode == 304) && has(newHeaders, "Content-Type")) {
            report.warn("a " + newCode + " response has no body, so it should have no Content-Type header; got "
                    + quote(value(newHeaders, "Content-Type")));
        }
        if (newCode > 599) {
            report.warn("status " + quote(newStatus) + " is outside the HTTP range 100-599");
        }
        Write write = server.start(newStatus, newHeaders, excInfo);
        return data -> write(write, data);
    }

    private int checkStatus(String value) {
        try {
            return HeaderRules.statusCode(value);
        } catch (IllegalArgumentException e) {
            throw report.fail(Rule.STATUS, e.getMessage());
        }
    }

    private void checkHeaders(List<Header> list) {
        if (list == null) {
            throw report.fail(Rule.HEADERS, "headers must be a List<Header> (List.of() for none), got null");
        }
        for (int i = 0; i < list.size(); i++) {
            Header header = list.get(i);
            if (header == null) {
                throw report.fail(Rule.HEADERS, "headers must not hold null elements, got null at index " + i);
            }
            try {
                HeaderRules.check(header);
            } catch (IllegalArgumentException e) {
                boolean hop = header.name() != null && HeaderRules.isToken(header.name())
                        && HeaderRules.HOP_BY_HOP.contains(header.name().toLowerCase(Locale.ROOT));
                throw report.fail(hop ? Rule.HOP_BY_HOP : Rule.HEADERS, e.getMessage());
            }
            if (header.is("Status")) {
                throw report.fail(Rule.HEADERS, "a \"Status\" header is CGI's way to set the status; pass the status"
                        + " to start instead; got Status: " + quote(header.value()));
            }
        }
    }

    private long contentLength(List<Header> list) {
        long length = -1;
        for (Header header : list) {
            if (header.is("Content-Length")) {
                String value = header.value();
                if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw report.fail(Rule.HEADERS, "Content-Length must be a non-negative decimal integer, got "
                            + quote(value));
                }
                long parsed = Long.parseLong(value);
                if (length >= 0 && parsed != length) {
                    throw report.fail(Rule.HEADERS, "Content-Length must be given once, got both " + length
                            + " and " + parsed);
                }
                length = parsed;
            }
        }
        return length;
    }

    private void write(Write write, byte[] data) throws IOException {
        synchronized (this) {
            if (runner != Thread.currentThread()) {
                String when = closed || bodyEnded ? "after the body ended"
                        : runner == null ? "after the iterable was returned, outside call, hasNext and next"
                        : "from thread " + Thread.currentThread().getName() + " while " + runner.getName()
                                + " runs the application";
                throw report.fail(Rule.WRITE_OUTSIDE_APPLICATION, "write() called " + when + "; write only while"
                        + " the server runs the application (inside call, hasNext or next, on that thread),"
                        + " or yield the bytes as a chunk");
            }
        }
        if (data == null) {
            throw report.fail(Rule.NULL_CHUNK, "write() needs a byte[], got null; write new byte[0] (or nothing)"
                    + " to send nothing");
        }
        bytesOut(data.length, "written");
        write.write(data);
    }

    /** {@code async.sleep} as the application sees it. */
    void sleep() {
        synchronized (this) {
            if (closed || bodyEnded) {
                throw report.fail(Rule.SLEEP_AFTER_END, "async.sleep called after the " + (closed
                        ? "iterable was closed" : "body ended (hasNext returned false)") + "; the response is over,"
                        + " there is nothing to suspend");
            }
            if (sleepPending) {
                throw report.fail(Rule.SLEEP_TWICE, "async.sleep called twice without a yield in between; call it"
                        + " once, then yield a chunk (normally new byte[0]) and return from next()");
            }
            sleepPending = true;
        }
        serverSleep.run();
    }

    /** Control went back to the server: {@code call} returned, or {@code next} yielded a chunk. */
    synchronized void yielded() {
        sleepPending = false;
    }

    synchronized void returned(Iterable<byte[]> body) {
        returned = true;
        bodyClass = Probe.nameOf(body);
    }

    /** Checks a chunk the iterable yielded. */
    void chunk(byte[] chunk) {
        if (chunk == null) {
            throw report.fail(Rule.NULL_CHUNK, "the iterable yielded null; yield new byte[0] for an empty chunk");
        }
        if (chunk.length > 0) {
            synchronized (this) {
                if (status == null) {
                    throw report.fail(Rule.START_MISSING, "a non-empty chunk (" + chunk.length + " bytes) was yielded"
                            + " before start was called; call start before yielding the first non-empty chunk");
                }
            }
            bytesOut(chunk.length, "yielded");
        }
    }

    private void bytesOut(int length, String how) {
        if (length == 0) {
            return;
        }
        long before;
        long declared;
        int statusCode;
        List<Header> list;
        synchronized (this) {
            before = bodyBytes;
            bodyBytes += length;
            declared = declaredLength;
            statusCode = code;
            list = headers;
        }
        if (before == 0) {
            if (bodyless(statusCode)) {
                report.warn((headRequest ? "a response to HEAD" : "a " + statusCode + " response") + " must have no"
                        + " body, but " + length + " bytes were " + how + "; the client will not see them");
            } else if (!has(list, "Content-Type")) {
                report.warn("the response has a body but no Content-Type header; clients will guess the type");
            }
        }
        if (declared >= 0 && before + length > declared && !bodyless(statusCode)) {
            throw report.fail(Rule.CONTENT_LENGTH, "the body passed its Content-Length: " + (before + length)
                    + " bytes " + how + " so far, " + declared + " declared; the server would drop the excess");
        }
    }

    /** {@code hasNext} returned {@code false}. */
    void bodyEnded() {
        String startedWith;
        long bytes;
        long declared;
        int statusCode;
        synchronized (this) {
            bodyEnded = true;
            startedWith = status;
            bytes = bodyBytes;
            declared = declaredLength;
            statusCode = code;
        }
        if (startedWith == null) {
            throw report.fail(Rule.START_MISSING, "the body ended (hasNext returned false) but start was never"
                    + " called; call start before the body ends");
        }
        if (declared > bytes && !bodyless(statusCode)) {
            throw report.fail(Rule.CONTENT_LENGTH, "the body ended after " + bytes + " of the " + declared
                    + " bytes its Content-Length declared; the client would see an incomplete response");
        }
        if (statusCode == 200 && bytes == 0 && declared < 0 && !headRequest) {
            report.warn("status 200 with an empty body and no Content-Length; send 204 No Content, or"
                    + " Content-Length: 0");
        }
    }

    private boolean bodyless(int statusCode) {
        return headRequest || statusCode < 200 || statusCode == 204 || statusCode == 304;
    }

    synchronized boolean isBodyEnded() {
        return bodyEnded;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Records a close; throws unless it is the first, the one to pass through. */
    void closing() {
        int count;
        synchronized (this) {
            count = ++closes;
            closed = true;
        }
        if (count > 1) {
            throw report.fail(Rule.CLOSE_TWICE, "close() called " + count + " times on the iterable (" + bodyClass
                    + "); the server closes it exactly once");
        }
    }

    void responseOver() {
        synchronized (this) {
            if (!returned || closes > 0) {
                return;
            }
        }
        throw report.fail(Rule.CLOSE_MISSING, "the response is over but the iterable (" + bodyClass + ") was never"
                + " closed; the server must call close() once, whatever ended the response");
    }

    private static boolean has(List<Header> list, String name) {
        return value(list, name) != null;
    }

    private static String value(List<Header> list, String name) {
        for (Header header : list) {
            if (header.is(name)) {
                return header.value();
            }
        }
        return null;
    }
}
