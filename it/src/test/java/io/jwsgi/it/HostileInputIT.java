package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests written byte by byte: malformed and ambiguous paths, spoofing and malformed
 * headers, oversized lines, conflicting framing, bodies that lie about their length. For each:
 * what the container answers (recorded per container, a status or a closed connection), that
 * whatever reaches the application maps to a consistent environ no header can spoof, and that
 * the server goes on serving.
 */
class HostileInputIT {

    private static final JwsgiServlet servlet = new JwsgiServlet(new InputEchoApp());

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().servlet("", "/*", servlet));

    /** Keys an environ may hold besides the CGI keys and HTTP_ keys. */
    private static final Set<String> EXTRA_KEYS = Set.of(Environ.REMOTE_PORT, Environ.WSGI_VERSION,
            Environ.WSGI_URL_SCHEME, Environ.WSGI_INPUT, Environ.WSGI_ERRORS, Environ.WSGI_MULTITHREAD,
            Environ.WSGI_MULTIPROCESS, Environ.WSGI_RUN_ONCE, Environ.WSGI_INPUT_TERMINATED, Environ.ASYNC_SLEEP,
            Environ.ASYNC_WAKE, Environ.SERVLET_REQUEST, io.jwsgi.app.FileWrapper.KEY, InputEchoApp.READ,
            InputEchoApp.ERROR);

    /**
     * One hostile request.
     *
     * @param name what it tries
     * @param request the bytes sent
     * @param halfClose whether the client then ends its side of the connection
     * @param shown the environ keys the outcome shows when the application answers
     * @param jetty what Jetty answers: a status, then {@code key=value} of {@code shown}; or "closed"
     * @param tomcat the same for Tomcat 10.1 and 11 (either of two outcomes, {@code a|b}, where Tomcat races)
     */
    record Case(String name, byte[] request, boolean halfClose, List<String> shown, String jetty, String tomcat) {
        @Override
        public String toString() {
            return name;
        }

        String expected() {
            return server.name().equals("jetty") ? jetty : tomcat;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(HostileCases.all());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequestIsRefusedOrMappedToAConsistentEnviron(Case hostile) throws Exception {
        // when the hostile request is sent
        String outcome;
        Map<String, String> environ;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.send(hostile.request);
            if (hostile.halfClose) {
                conn.finishSending();
            }
            RawResponse response = readOrNull(conn);
            environ = response != null && response.status() == 200 ? EnvironEchoApp.parse(response.text()) : null;
            outcome = describe(response, environ, hostile.shown);
        }

        // then the container answered as recorded for it
        String where = hostile + " on " + server.name();
        assertThat(outcome).as("the answer to %s", where).isIn((Object[]) hostile.expected().split("\\|"));
        // and what reached the application is consistent and spoof-free
        if (environ != null) {
            assertThat(inconsistencies(environ)).as("environ problems: %s", where).isEmpty();
        }
        // and the server goes on serving
        Residue.assertNone(server.name(), servlet);
        try (RawConnection conn = RawConnection.open(server.port())) {
            assertThat(conn.get("/next").readResponse().status()).as("next request after %s", where).isEqualTo(200);
        }
    }

    private static RawResponse readOrNull(RawConnection conn) throws IOException {
        try {
            return conn.readResponse();
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    private static String describe(RawResponse response, Map<String, String> environ, List<String> shown) {
        if (response == null) {
            return "closed";
        }
        StringBuilder b = new StringBuilder(Integer.toString(response.status()));
        if (environ != null) {
            for (String key : shown) {
                b.append(' ').append(key).append('=').append(environ.getOrDefault(key, "(absent)"));
            }
        }
        return b.toString();
    }

    /** What is wrong with an environ the application saw: empty if nothing. */
    private static List<String> inconsistencies(Map<String, String> environ) {
        List<String> problems = new ArrayList<>();
        environ.forEach((key, value) -> {
            if (!Environ.CGI_KEYS.contains(key) && !EXTRA_KEYS.contains(key) && !key.matches("HTTP_[A-Z0-9_]+")) {
                problems.add("unexpected key " + key);
            }
            if (value.contains("SPOOF")) {
                problems.add("a header sent under a name with '_' reached " + key);
            }
        });
        for (String key : List.of(Environ.REQUEST_METHOD, Environ.SCRIPT_NAME, Environ.PATH_INFO, Environ.QUERY_STRING,
                Environ.SERVER_NAME, Environ.SERVER_PORT, Environ.SERVER_PROTOCOL, Environ.REMOTE_ADDR)) {
            if (!environ.containsKey(key)) {
                problems.add("missing " + key);
            }
        }
        String length = environ.get(Environ.CONTENT_LENGTH);
        String read = environ.get(InputEchoApp.READ);
        if (length != null && !environ.containsKey(InputEchoApp.ERROR) && !length.equals(read)) {
            problems.add("CONTENT_LENGTH " + length + " but the body read whole was " + read + " bytes");
        }
        if (environ.containsKey("HTTP_CONTENT_LENGTH") || environ.containsKey("HTTP_CONTENT_TYPE")) {
            problems.add("content headers as HTTP_ keys");
        }
        String path = environ.getOrDefault(Environ.SCRIPT_NAME, "") + environ.getOrDefault(Environ.PATH_INFO, "");
        if (List.of(path.split("/", -1)).contains("..")) {
            problems.add("a '..' segment reached the application: " + path);
        }
        return problems;
    }

    /** Builds request bytes: text as ISO-8859-1 (one byte per char, so raw bytes can be written as chars). */
    static byte[] raw(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
