package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Gen;
import io.jwsgi.fixture.Property;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The environ built from random request header sets, through a hand-written request that groups
 * header names case-insensitively as containers do: the {@code HTTP_} keys are exactly those an
 * oracle derives (names with {@code _} dropped, repeats joined in order, {@code Cookie} with
 * {@code "; "}), and the CGI keys are the request's own, whatever headers try to set them.
 */
class ServletEnvironPropertiesTest {

    private static final Map<String, String> OWN = Map.ofEntries(Map.entry(Environ.REQUEST_METHOD, "GET"),
            Map.entry(Environ.SCRIPT_NAME, ""), Map.entry(Environ.PATH_INFO, "/p"), Map.entry(Environ.QUERY_STRING, ""),
            Map.entry(Environ.CONTENT_TYPE, "text/own"), Map.entry(Environ.SERVER_NAME, "server.example"),
            Map.entry(Environ.SERVER_PORT, "8080"), Map.entry(Environ.SERVER_PROTOCOL, "HTTP/1.1"),
            Map.entry(Environ.REMOTE_ADDR, "10.0.0.1"), Map.entry(Environ.REMOTE_PORT, "40000"));

    @Test
    void httpKeysAreExactlyTheHeadersWithoutUnderscoreAndCgiKeysAreTheRequestsOwn() {
        Property.forAll(ServletEnvironPropertiesTest::headerSet).shrinking(Property::smallerLists)
                .showing(Gen::showHeaders).check(5000, ServletEnvironPropertiesTest::environMatchesTheOracle);
    }

    private static void environMatchesTheOracle(List<Header> headers) {
        Map<String, Object> environ = ServletEnviron.of(request(headers), null, new ByteArrayInputStream(new byte[0]), -1);

        Map<String, Object> httpKeys = new TreeMap<>(environ);
        httpKeys.keySet().removeIf(key -> !key.startsWith(Environ.HTTP_PREFIX));
        assertThat(httpKeys).as("HTTP_ keys of %s", Gen.showHeaders(headers)).isEqualTo(expectedHttpKeys(headers));
        Map<String, Object> cgi = new TreeMap<>(environ);
        cgi.keySet().retainAll(Environ.CGI_KEYS);
        assertThat(cgi).as("CGI keys of %s", Gen.showHeaders(headers)).isEqualTo(new TreeMap<>(OWN));
    }

    /** The oracle: group names case-insensitively, drop names with '_' and the content headers, join in order. */
    static Map<String, Object> expectedHttpKeys(List<Header> headers) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Header h : headers) {
            groups.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.value());
        }
        Map<String, Object> expected = new TreeMap<>();
        groups.forEach((name, values) -> {
            if (!name.contains("_") && !name.equals("content-type") && !name.equals("content-length")) {
                String key = "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
                expected.put(key, String.join(name.equals("cookie") ? "; " : ",", values));
            }
        });
        return expected;
    }

    /** Up to eight headers: short names of letters, '-' and '_', CGI-like names either way, any case, repeats. */
    static List<Header> headerSet(SplittableRandom r) {
        return Gen.list(r, 8, h -> new Header(headerName(h), Gen.string(h, "abc=;, ", 1, 5)));
    }

    static String headerName(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> Gen.string(r, "abXY-_", 1, 4);
            case 1 -> Gen.mixedCase(r, Gen.pick(r, "script-name", "path-info", "remote-addr", "request-method",
                    "server-name", "query-string", "content-type", "content-length", "cookie", "x-user"));
            default -> Gen.mixedCase(r,
                    Gen.pick(r, "script_name", "path_info", "remote_addr", "x_user", "content_type"));
        };
    }

    /** A request with the {@link #OWN} properties and these headers, grouped by name as containers do. */
    static HttpServletRequest request(List<Header> headers) {
        Map<String, String> spelling = new LinkedHashMap<>();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Header h : headers) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            spelling.putIfAbsent(lower, h.name());
            values.computeIfAbsent(lower, k -> new ArrayList<>()).add(h.value());
        }
        List<String> names = spelling.values().stream().collect(Collectors.toList());
        return (HttpServletRequest) Proxy.newProxyInstance(ServletEnvironPropertiesTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getMethod" -> OWN.get(Environ.REQUEST_METHOD);
                    case "getContextPath", "getServletPath" -> "";
                    case "getPathInfo" -> OWN.get(Environ.PATH_INFO);
                    case "getHttpServletMapping", "getQueryString" -> null;
                    case "getContentType" -> OWN.get(Environ.CONTENT_TYPE);
                    case "getContentLengthLong" -> -1L;
                    case "getServerName" -> OWN.get(Environ.SERVER_NAME);
                    case "getServerPort" -> 8080;
                    case "getProtocol" -> OWN.get(Environ.SERVER_PROTOCOL);
                    case "getRemoteAddr" -> OWN.get(Environ.REMOTE_ADDR);
                    case "getRemotePort" -> 40000;
                    case "getHeaderNames" -> Collections.enumeration(names);
                    case "getHeaders" -> Collections.enumeration(
                            values.getOrDefault(((String) args[0]).toLowerCase(Locale.ROOT), List.of()));
                    case "isSecure" -> false;
                    case "getScheme" -> "http";
                    default -> throw new UnsupportedOperationException("the environ needs no " + method.getName());
                });
    }
}
