package io.jwsgi.servlet;

import io.jwsgi.Environ;
import io.jwsgi.app.FileWrapper;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the environ of a request from an {@link HttpServletRequest}, as {@code SPEC.md} states.
 * Nothing in the environ comes from request attributes, and no request header can set a CGI key.
 */
final class ServletEnviron {

    /**
     * Environ keys of common request headers, by the name's usual spellings (HTTP/1.1 title case,
     * HTTP/2 lower case), so that a request does not build and keep its own copy of each key.
     * Fixed at start: names sent by clients are never added.
     */
    static final Map<String, String> COMMON_KEYS = commonKeys("Host", "User-Agent", "Accept", "Accept-Language",
            "Accept-Encoding", "Accept-Charset", "Connection", "Cookie", "Referer", "Origin", "Authorization",
            "Cache-Control", "Pragma", "Upgrade-Insecure-Requests", "If-None-Match", "If-Modified-Since", "If-Match",
            "If-Unmodified-Since", "If-Range", "Range", "Expect", "Via", "Forwarded", "X-Forwarded-For",
            "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP", "X-Requested-With", "DNT",
            "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User", "Sec-Ch-Ua", "Sec-Ch-Ua-Mobile",
            "Sec-Ch-Ua-Platform", "Priority", "Content-Encoding", "Transfer-Encoding", "TE", "Keep-Alive", "Upgrade");

    /** The last server port rendered; every request of a connector has the same. */
    private static volatile PortText serverPort = new PortText(-1, "");

    private record PortText(int port, String text) {
    }

    private ServletEnviron() {
    }

    private static Map<String, String> commonKeys(String... names) {
        Map<String, String> keys = new HashMap<>();
        for (String name : names) {
            keys.put(name, Environ.headerKey(name));
            keys.put(name.toLowerCase(java.util.Locale.ROOT), Environ.headerKey(name));
        }
        return Map.copyOf(keys);
    }

    private static String serverPort(int port) {
        PortText last = serverPort;
        if (last.port() != port) {
            last = new PortText(port, Integer.toString(port));
            serverPort = last;
        }
        return last.text();
    }

    /**
     * @param input the body stream: the container's, or a buffered one
     * @param bufferedLength the buffered body's size, or -1 when the body is streamed
     */
    static Map<String, Object> of(HttpServletRequest request, ServletContext context, InputStream input,
            long bufferedLength) {
        // 19 fixed keys (21 with async.*) plus one per header: 32 slots at load factor 1 hold a request
        // with 11 headers without resizing, in half the table a suspended request would otherwise keep.
        Map<String, Object> env = new HashMap<>(32, 1.0f);
        env.put(Environ.REQUEST_METHOD, request.getMethod());
        putPaths(env, request);
        String query = request.getQueryString();
        env.put(Environ.QUERY_STRING, query == null ? "" : query);
        String type = request.getContentType();
        if (type != null) {
            env.put(Environ.CONTENT_TYPE, type);
        }
        long length = bufferedLength >= 0 ? bufferedLength : request.getContentLengthLong();
        if (length >= 0) {
            env.put(Environ.CONTENT_LENGTH, Long.toString(length));
        }
        env.put(Environ.SERVER_NAME, request.getServerName());
        env.put(Environ.SERVER_PORT, serverPort(request.getServerPort()));
        env.put(Environ.SERVER_PROTOCOL, request.getProtocol());
        env.put(Environ.REMOTE_ADDR, request.getRemoteAddr());
        int remotePort = request.getRemotePort();
        if (remotePort > 0) {
            env.put(Environ.REMOTE_PORT, Integer.toString(remotePort));
        }
        putHeaders(env, request);
        env.put(Environ.WSGI_VERSION, Environ.VERSION);
        env.put(Environ.WSGI_URL_SCHEME, request.isSecure() ? "https" : request.getScheme());
        env.put(Environ.WSGI_INPUT, new BodyStream(input));
        env.put(Environ.WSGI_ERRORS, new PrintWriter(new LogWriter(context), true));
        env.put(Environ.WSGI_MULTITHREAD, Boolean.TRUE);
        env.put(Environ.WSGI_MULTIPROCESS, Boolean.FALSE);
        env.put(Environ.WSGI_RUN_ONCE, Boolean.FALSE);
        env.put(Environ.WSGI_INPUT_TERMINATED, Boolean.TRUE);
        env.put(FileWrapper.KEY, FileWrapper.DEFAULT);
        env.put(Environ.SERVLET_REQUEST, request);
        return env;
    }

    /** SCRIPT_NAME is where the servlet is mounted, PATH_INFO the rest; both decoded. */
    static void putPaths(Map<String, Object> env, HttpServletRequest request) {
        // getContextPath() is the one path the containers leave encoded.
        String context = percentDecode(request.getContextPath());
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        HttpServletMapping mapping = request.getHttpServletMapping();
        MappingMatch match = mapping == null ? null : mapping.getMappingMatch();
        if (match == MappingMatch.DEFAULT) {
            // Mapped to "/": the servlet path holds the whole path, which is the application's.
            env.put(Environ.SCRIPT_NAME, context);
            env.put(Environ.PATH_INFO, servletPath + (pathInfo == null ? "" : pathInfo));
        } else {
            env.put(Environ.SCRIPT_NAME, context + servletPath);
            env.put(Environ.PATH_INFO, pathInfo == null ? "" : pathInfo);
        }
    }

    private static void putHeaders(Map<String, Object> env, HttpServletRequest request) {
        Enumeration<String> names = request.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            // X_User and X-User would both be HTTP_X_USER: drop the underscore form (header spoofing).
            if (name.indexOf('_') >= 0 || name.isEmpty() || name.charAt(0) == ':') {
                continue;
            }
            String key = COMMON_KEYS.get(name);
            if (key == null) {
                key = Environ.headerKey(name);
            }
            if (!key.startsWith(Environ.HTTP_PREFIX) || env.containsKey(key)) {
                continue;
            }
            String separator = key.equals("HTTP_COOKIE") ? "; " : ",";
            Enumeration<String> values = request.getHeaders(name);
            String value = values.nextElement();
            if (values.hasMoreElements()) {
                StringBuilder joined = new StringBuilder(value);
                while (values.hasMoreElements()) {
                    joined.append(separator).append(values.nextElement());
                }
                value = joined.toString();
            }
            env.put(key, value);
        }
    }

    /** Decodes %XX escapes as UTF-8; '+' is left alone (it means a space only in query strings). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** wsgi.input: the body, ending at its end; closing it is left to the container. */
    static final class BodyStream extends InputStream {
        private final InputStream in;

        BodyStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            // The container owns the connection: an application closing wsgi.input must not end it.
        }
    }

    /** wsgi.errors: each line goes to the servlet context's log. */
    static final class LogWriter extends Writer {
        private final ServletContext context;
        // Made at the first write: most applications never write to wsgi.errors.
        private StringBuilder line;

        LogWriter(ServletContext context) {
            this.context = context;
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    emit();
                } else if (buf[i] != '\r') {
                    if (line == null) {
                        line = new StringBuilder();
                    }
                    line.append(buf[i]);
                }
            }
        }

        @Override
        public synchronized void flush() {
            if (line != null && line.length() > 0) {
                emit();
            }
        }

        @Override
        public void close() {
            flush();
        }

        private void emit() {
            context.log(line == null ? "" : line.toString());
            if (line != null) {
                line.setLength(0);
            }
        }
    }
}
