package io.jwsgi.servlet;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.MappingMatch;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Environ construction for a browser-like GET with eight headers: the bridge's
 * {@code ServletEnviron.of} against copying the same request line and headers into a map by hand.
 * The request is an in-memory {@link HttpServletRequest} answering from fields.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvironBenchmark {

    private final HttpServletRequest request = new FixedRequest();
    private final InputStream input = new ByteArrayInputStream(new byte[0]);

    /** The bridge's environ, as the servlet builds it for every request. */
    @Benchmark
    public Map<String, Object> bridge() {
        return ServletEnviron.of(request, null, input, -1);
    }

    /** The same facts copied by hand: method, path, query, protocol, remote address, every header. */
    @Benchmark
    public Map<String, Object> raw() {
        Map<String, Object> env = new HashMap<>();
        env.put("REQUEST_METHOD", request.getMethod());
        env.put("PATH_INFO", request.getPathInfo());
        env.put("QUERY_STRING", request.getQueryString());
        env.put("SERVER_PROTOCOL", request.getProtocol());
        env.put("REMOTE_ADDR", request.getRemoteAddr());
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            env.put(name, request.getHeader(name));
        }
        env.put("wsgi.input", input);
        return env;
    }

    /** A GET of /app/items?page=2 mapped to /app/*, with typical browser headers. */
    static final class FixedRequest extends HttpServletRequestWrapper {
        private static final Map<String, String> HEADERS = new LinkedHashMap<>();

        static {
            HEADERS.put("Host", "127.0.0.1:8080");
            HEADERS.put("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
            HEADERS.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
            HEADERS.put("Accept-Language", "en-US,en;q=0.5");
            HEADERS.put("Accept-Encoding", "gzip, deflate, br");
            HEADERS.put("Connection", "keep-alive");
            HEADERS.put("Cookie", "session=4f2a9c1e7b; theme=dark");
            HEADERS.put("Referer", "http://127.0.0.1:8080/app/");
        }

        private static final HttpServletMapping MAPPING = new HttpServletMapping() {
            @Override
            public String getMatchValue() {
                return "items";
            }

            @Override
            public String getPattern() {
                return "/app/*";
            }

            @Override
            public String getServletName() {
                return "app";
            }

            @Override
            public MappingMatch getMappingMatch() {
                return MappingMatch.PATH;
            }
        };

        FixedRequest() {
            // Every method the environ reads is overridden below; the proxy answers nothing else.
            super((HttpServletRequest) Proxy.newProxyInstance(FixedRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                        throw new UnsupportedOperationException(method.getName());
                    }));
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public String getContextPath() {
            return "";
        }

        @Override
        public String getServletPath() {
            return "/app";
        }

        @Override
        public String getPathInfo() {
            return "/items";
        }

        @Override
        public HttpServletMapping getHttpServletMapping() {
            return MAPPING;
        }

        @Override
        public String getQueryString() {
            return "page=2";
        }

        @Override
        public String getContentType() {
            return null;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }

        @Override
        public String getServerName() {
            return "127.0.0.1";
        }

        @Override
        public int getServerPort() {
            return 8080;
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public String getRemoteAddr() {
            return "127.0.0.1";
        }

        @Override
        public int getRemotePort() {
            return 50000;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getScheme() {
            return "http";
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(HEADERS.keySet());
        }

        @Override
        public String getHeader(String name) {
            return HEADERS.get(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = HEADERS.get(name);
            return Collections.enumeration(value == null ? List.of() : List.of(value));
        }
    }
}
