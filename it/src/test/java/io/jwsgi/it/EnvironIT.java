package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The environ the bridge builds from real requests, for each kind of servlet mapping. */
class EnvironIT {

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(new EnvironEchoApp()))
            .servlet("/ctx", "/prefix/*", new JwsgiServlet(new EnvironEchoApp()))
            .servlet("/ctx", "/", new JwsgiServlet(new EnvironEchoApp())));

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest(name = "{0} -> SCRIPT_NAME \"{1}\", PATH_INFO \"{2}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # request target                  | SCRIPT_NAME  | PATH_INFO     | QUERY_STRING
            /caf%C3%A9?q=caf%C3%A9&x=%20+y     | ''           | /café         | q=caf%C3%A9&x=%20+y
            /                                 | ''           | /             | ''
            /a/b%20c/                         | ''           | /a/b c/       | ''
            /ctx/prefix/caf%C3%A9/x?k=v%26w    | /ctx/prefix  | /café/x       | k=v%26w
            /ctx/prefix                       | /ctx/prefix  | ''            | ''
            /ctx/caf%C3%A9                     | /ctx         | /café         | ''
            /ctx/                             | /ctx         | /             | ''
            /ctx/other/th%C3%A9?a=%C3%A9       | /ctx         | /other/thé    | a=%C3%A9
            /%63tx/prefix/x                   | /ctx/prefix  | /x            | ''
            /ctx/pre%66ix/x                   | /ctx/prefix  | /x            | ''
            /a%3Bb                            | ''           | /a;b          | ''
            """)
    void scriptNameAndPathInfoAreSplitAtTheMappingAndDecoded(String target, String scriptName, String pathInfo,
            String query) throws Exception {
        // given servlets mapped at /* (root context), /prefix/* and / (context /ctx); an encoded
        // mount point decodes to the mount point (Tomcat's getContextPath() keeps the encoding)
        // when the target is requested
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri(target))
                .timeout(Await.DEADLINE).build(), HttpResponse.BodyHandlers.ofString());

        // then the servlet's mount point is SCRIPT_NAME, the rest PATH_INFO, both decoded; the query stays raw
        assertThat(response.statusCode()).as("status of %s on %s", target, server.name()).isEqualTo(200);
        Map<String, String> environ = EnvironEchoApp.parse(response.body());
        assertThat(Map.of("SCRIPT_NAME", environ.get("SCRIPT_NAME"), "PATH_INFO", environ.get("PATH_INFO"),
                "QUERY_STRING", environ.get("QUERY_STRING")))
                .as("paths of %s on %s", target, server.name())
                .isEqualTo(Map.of("SCRIPT_NAME", scriptName, "PATH_INFO", pathInfo, "QUERY_STRING", query));
    }

    @Test
    void wholeEnvironComesFromTheRequestAndNoHeaderCanSetACgiKey() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a request whose headers try to set CGI keys, repeat headers and use '_' in names
            conn.get("/caf%C3%A9?q=caf%C3%A9&x=%20+y",
                    "Script-Name: /evil", "Path-Info: /evil", "Remote-Addr: 6.6.6.6",
                    "X-User: real", "X_User: spoof", "Content_Type: evil",
                    "X-Multi: a", "X-Multi: b", "Cookie: a=1", "Cookie: b=2");

            // when the environ is echoed
            RawResponse response = conn.readResponse();

            // then every key is the bridge's own, headers show only as HTTP_ keys
            assertThat(response.status()).as("status on %s", server.name()).isEqualTo(200);
            Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                    Map.entry("HTTP_COOKIE", "a=1; b=2"),
                    Map.entry("HTTP_HOST", "127.0.0.1:" + server.port()),
                    Map.entry("HTTP_PATH_INFO", "/evil"),
                    Map.entry("HTTP_REMOTE_ADDR", "6.6.6.6"),
                    Map.entry("HTTP_SCRIPT_NAME", "/evil"),
                    Map.entry("HTTP_X_MULTI", "a,b"),
                    Map.entry("HTTP_X_USER", "real"),
                    Map.entry("PATH_INFO", "/café"),
                    Map.entry("QUERY_STRING", "q=caf%C3%A9&x=%20+y"),
                    Map.entry("REMOTE_ADDR", "127.0.0.1"),
                    Map.entry("REMOTE_PORT", Integer.toString(conn.localPort())),
                    Map.entry("REQUEST_METHOD", "GET"),
                    Map.entry("SCRIPT_NAME", ""),
                    Map.entry("SERVER_NAME", "127.0.0.1"),
                    Map.entry("SERVER_PORT", Integer.toString(server.port())),
                    Map.entry("SERVER_PROTOCOL", "HTTP/1.1"),
                    Map.entry("async.sleep", "Runnable"),
                    Map.entry("async.wake", "Runnable"),
                    Map.entry("jwsgi.servlet_request", "HttpServletRequest"),
                    Map.entry("wsgi.errors", "PrintWriter"),
                    Map.entry("wsgi.file_wrapper", "FileWrapper"),
                    Map.entry("wsgi.input", "InputStream"),
                    Map.entry("wsgi.input_terminated", "true"),
                    Map.entry("wsgi.multiprocess", "false"),
                    Map.entry("wsgi.multithread", "true"),
                    Map.entry("wsgi.run_once", "false"),
                    Map.entry("wsgi.url_scheme", "http"),
                    Map.entry("wsgi.version", "[1, 0]")));
            assertThat(new TreeMap<>(EnvironEchoApp.parse(response.text())))
                    .as("the whole environ on %s", server.name()).isEqualTo(expected);
        }
    }

    @Test
    void contentTypeAndLengthAreCgiKeysOnlyWhenTheRequestHasThem() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a POST with a typed, sized body
            conn.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 5\r\n\r\nhello");

            // when the environ is echoed
            Map<String, String> environ = EnvironEchoApp.parse(conn.readResponse().text());

            // then both are CGI keys, and never HTTP_ keys
            assertThat(environ).as("content keys on %s", server.name())
                    .containsEntry("CONTENT_TYPE", "text/plain; charset=utf-8")
                    .containsEntry("CONTENT_LENGTH", "5")
                    .doesNotContainKeys("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH");
        }
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a GET with neither
            conn.get("/plain");

            // then neither key is there
            assertThat(EnvironEchoApp.parse(conn.readResponse().text())).as("content keys of a GET on %s", server.name())
                    .doesNotContainKeys("CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH");
        }
    }
}
