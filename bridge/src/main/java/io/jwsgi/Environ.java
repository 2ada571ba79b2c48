package io.jwsgi;

import java.util.List;

/**
 * The keys of the environ map passed to {@link Application#call}, with the Java type of each value.
 *
 * <p>{@code SPEC.md} at the root of the project holds the full table. In short: CGI keys are
 * {@code String}s; {@link #SCRIPT_NAME} and {@link #PATH_INFO} are percent-decoded as UTF-8;
 * {@link #QUERY_STRING} is not decoded; each request header {@code X-Name} appears as
 * {@code HTTP_X_NAME} except {@code Content-Type} and {@code Content-Length}, which are
 * {@link #CONTENT_TYPE} and {@link #CONTENT_LENGTH}. Headers whose names hold {@code _} are dropped.
 */
public final class Environ {

    /** {@code String}: the HTTP method, {@code "GET"}, {@code "POST"}, ... Always present. */
    public static final String REQUEST_METHOD = "REQUEST_METHOD";
    /** {@code String}: where the application is mounted, decoded; {@code ""} at the root, else starts with {@code /}. Always present. */
    public static final String SCRIPT_NAME = "SCRIPT_NAME";
    /** {@code String}: the rest of the path, decoded; {@code ""} or starts with {@code /}. Always present. */
    public static final String PATH_INFO = "PATH_INFO";
    /** {@code String}: the query after {@code ?}, undecoded; {@code ""} if none. Always present. */
    public static final String QUERY_STRING = "QUERY_STRING";
    /** {@code String}: the request's {@code Content-Type}; present only when the request has one. */
    public static final String CONTENT_TYPE = "CONTENT_TYPE";
    /** {@code String}: the body's length in decimal; present only when known. */
    public static final String CONTENT_LENGTH = "CONTENT_LENGTH";
    /** {@code String}: the host name the request was addressed to. Always present. */
    public static final String SERVER_NAME = "SERVER_NAME";
    /** {@code String}: the port the request was addressed to, in decimal. Always present. */
    public static final String SERVER_PORT = "SERVER_PORT";
    /** {@code String}: {@code "HTTP/1.1"}, {@code "HTTP/2.0"}, ... Always present. */
    public static final String SERVER_PROTOCOL = "SERVER_PROTOCOL";
    /** {@code String}: the client's IP address. Always present. */
    public static final String REMOTE_ADDR = "REMOTE_ADDR";
    /** {@code String}: the client's port, in decimal. Present when the container knows it. */
    public static final String REMOTE_PORT = "REMOTE_PORT";
    /** The prefix of request header keys: {@code X-Forwarded-For} is {@code HTTP_X_FORWARDED_FOR}. */
    public static final String HTTP_PREFIX = "HTTP_";

    /** {@code List<Integer>}: {@code [1, 0]}. */
    public static final String WSGI_VERSION = "wsgi.version";
    /** {@code String}: {@code "http"} or {@code "https"}. */
    public static final String WSGI_URL_SCHEME = "wsgi.url_scheme";
    /** {@code java.io.InputStream}: the request body; reads end at the body's end. */
    public static final String WSGI_INPUT = "wsgi.input";
    /** {@code java.io.PrintWriter}: a log for the application's errors; each line goes to the container's log. */
    public static final String WSGI_ERRORS = "wsgi.errors";
    /** {@code Boolean}: {@code true}; requests are served by many threads at once. */
    public static final String WSGI_MULTITHREAD = "wsgi.multithread";
    /** {@code Boolean}: {@code false}. */
    public static final String WSGI_MULTIPROCESS = "wsgi.multiprocess";
    /** {@code Boolean}: {@code false}. */
    public static final String WSGI_RUN_ONCE = "wsgi.run_once";
    /** {@code Boolean}: {@code true}: {@code wsgi.input} reaches end of stream even for chunked uploads. */
    public static final String WSGI_INPUT_TERMINATED = "wsgi.input_terminated";

    /**
     * {@code Runnable}: asks the server not to request the next chunk until {@link #ASYNC_WAKE} runs.
     * The application calls it, then yields a chunk (normally empty) and returns from {@code next()}.
     * A wake that came before the sleep cancels it, like {@code LockSupport.unpark}.
     */
    public static final String ASYNC_SLEEP = "async.sleep";
    /**
     * {@code Runnable}: resumes a sleeping response, or cancels the next sleep if none sleeps. Any
     * thread, any time, any number of times; after the response ended it does nothing. The server
     * resumes the response on its own threads, never on the caller's.
     */
    public static final String ASYNC_WAKE = "async.wake";

    /**
     * {@code jakarta.servlet.http.HttpServletRequest}: the container's request, for the few
     * applications that need the container itself. Present only under the servlet bridge. Reading
     * from it the data the environ already carries bypasses the bridge's rules; don't.
     */
    public static final String SERVLET_REQUEST = "jwsgi.servlet_request";

    /** The value of {@link #WSGI_VERSION}. */
    public static final List<Integer> VERSION = List.of(1, 0);

    /** The CGI keys a server sets from the request itself, never from a request header. */
    public static final List<String> CGI_KEYS = List.of(REQUEST_METHOD, SCRIPT_NAME, PATH_INFO,
            QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL,
            REMOTE_ADDR, REMOTE_PORT);

    private Environ() {
    }

    /**
     * Returns the environ key of a request header: upper case, {@code -} turned to {@code _},
     * {@code HTTP_} in front; {@code Content-Type} and {@code Content-Length} map to their CGI keys.
     *
     * @param headerName a request header name
     * @return its environ key
     */
    public static String headerKey(String headerName) {
        if (headerName.equalsIgnoreCase("Content-Type")) {
            return CONTENT_TYPE;
        }
        if (headerName.equalsIgnoreCase("Content-Length")) {
            return CONTENT_LENGTH;
        }
        StringBuilder key = new StringBuilder(HTTP_PREFIX.length() + headerName.length()).append(HTTP_PREFIX);
        for (int i = 0; i < headerName.length(); i++) {
            char c = headerName.charAt(i);
            key.append(c == '-' ? '_' : (c >= 'a' && c <= 'z') ? (char) (c - 32) : c);
        }
        return key.toString();
    }
}
