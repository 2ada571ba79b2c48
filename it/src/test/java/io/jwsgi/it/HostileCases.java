package io.jwsgi.it;

import static io.jwsgi.it.HostileInputIT.raw;

import io.jwsgi.it.HostileInputIT.Case;
import java.util.List;

/**
 * The requests {@link HostileInputIT} sends, with what each container was seen to answer: a
 * status, followed for {@code 200} by the environ values the application saw; Tomcat 10.1 and
 * 11 answer alike.
 */
final class HostileCases {

    private static final String HOST = "Host: 127.0.0.1\r\n";
    private static final List<String> PATH = List.of("PATH_INFO");
    private static final List<String> NONE = List.of();
    private static final List<String> BODY = List.of("CONTENT_LENGTH", "input.read", "input.error");
    private static final String BODY_OF_5 = "200 CONTENT_LENGTH=5 input.read=5 input.error=(absent)";

    private HostileCases() {
    }

    static Case[] all() {
        return new Case[] {
            get("malformed escape %zz", "/echo/%zz", PATH, "400", "400"),
            get("truncated escape %4", "/echo/a%4", PATH, "400", "400"),
            get("lone percent sign", "/echo/100%", PATH, "400", "400"),
            get("invalid UTF-8 %C3%28", "/echo/%C3%28", PATH, "400", "400"),
            get("overlong UTF-8 for '/' in '..%C0%AF'", "/echo/..%C0%AF..%C0%AFsecret", PATH, "400", "400"),
            get("encoded NUL %00", "/echo/a%00b", PATH, "400", "400"),
            get("raw byte 0xFF in the path", "/echo/\u00ff", PATH, "400", "400"),
            get("dot segments", "/echo/../echo/x", PATH, "200 PATH_INFO=/echo/x", "200 PATH_INFO=/echo/x"),
            get("encoded dot segments %2e%2e", "/echo/%2e%2e/echo/x", PATH, "400", "200 PATH_INFO=/echo/x"),
            get("encoded slash %2F", "/echo/a%2Fb", PATH, "400", "400"),
            get("8 KB path", "/echo/" + "a".repeat(8000), NONE, "200", "200"),
            get("100 KB path", "/echo/" + "a".repeat(100_000), NONE, "414", "400"),
            headers("header names with '_' next to the real one", "X-User: real\r\nX_User: SPOOF\r\n",
                    List.of("HTTP_X_USER"), "200 HTTP_X_USER=real", "200 HTTP_X_USER=real"),
            headers("header names with '_' only",
                    "Script_Name: SPOOF\r\nContent_Length: SPOOF\r\nRemote_Addr: SPOOF\r\n",
                    List.of("SCRIPT_NAME", "REMOTE_ADDR"),
                    "200 SCRIPT_NAME= REMOTE_ADDR=127.0.0.1", "200 SCRIPT_NAME= REMOTE_ADDR=127.0.0.1"),
            headers("odd casing and padding", "x-uSeR: \t padded value \t \r\n", List.of("HTTP_X_USER"),
                    "200 HTTP_X_USER=padded value", "200 HTTP_X_USER=padded value"),
            headers("space before the colon", "X-User : v\r\n", List.of("HTTP_X_USER"), "400", "400"),
            headers("obsolete line folding", "X-Folded: a\r\n  b\r\n", List.of("HTTP_X_FOLDED"),
                    "400", "200 HTTP_X_FOLDED=a b"),
            headers("header line without a colon", "NoColonHere\r\n", NONE, "400", "400"),
            headers("NUL in a header value", "X-Nul: a\u0000b\r\n", List.of("HTTP_X_NUL"), "400", "400"),
            headers("bare CR in a header value", "X-Cr: a\rb\r\n", List.of("HTTP_X_CR"), "400", "400"),
            headers("Latin-1 byte in a header value", "X-Latin: caf\u00e9\r\n", List.of("HTTP_X_LATIN"),
                    "200 HTTP_X_LATIN=caf\u00e9", "200 HTTP_X_LATIN=caf\u00e9"),
            headers("8 KB header value", "X-Big: " + "v".repeat(8000) + "\r\n", NONE, "200", "200"),
            headers("100 KB header value", "X-Big: " + "v".repeat(100_000) + "\r\n", NONE, "431", "400"),
            headers("300 headers", "X-Many: v\r\n".repeat(300), NONE, "200", "400"),
            request("HTTP/1.1 without Host", "GET /echo HTTP/1.1\r\n\r\n", false, PATH, "400", "400"),
            request("unknown protocol version", "GET /echo HTTP/1.7\r\n" + HOST + "\r\n", false,
                    List.of("SERVER_PROTOCOL"), "505", "505"),
            request("lower-case method", "get /echo HTTP/1.1\r\n" + HOST + "\r\n", false, List.of("REQUEST_METHOD"),
                    "200 REQUEST_METHOD=get", "200 REQUEST_METHOD=get"),
            post("two different Content-Lengths", "Content-Length: 5\r\nContent-Length: 6\r\n", "hello!", false,
                    "400", "400"),
            post("the same Content-Length twice", "Content-Length: 5\r\nContent-Length: 5\r\n", "hello", false,
                    "400", "400"),
            post("Content-Length as a list", "Content-Length: 5, 5\r\n", "hello", false, "400", "400"),
            post("Content-Length and chunked", "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                    "5\r\nhello\r\n0\r\n\r\n", false,
                    "400", "200 CONTENT_LENGTH=(absent) input.read=5 input.error=(absent)"),
            post("unknown transfer coding", "Transfer-Encoding: xchunked\r\n", "5\r\nhello\r\n0\r\n\r\n", false,
                    "400", "501"),
            post("chunked not last", "Transfer-Encoding: chunked, identity\r\n", "5\r\nhello\r\n0\r\n\r\n", false,
                    "400", "400"),
            post("negative Content-Length", "Content-Length: -1\r\n", "", false, "400", "400"),
            post("Content-Length not a number", "Content-Length: abc\r\n", "", false, "400", "400"),
            post("Content-Length too large for a long", "Content-Length: 99999999999999999999\r\n", "", false,
                    "400", "400"),
            // Tomcat reports a body cut by the client's half-close either as a bad request (its own 400)
            // or, to the reading application, as a client abort: by when the FIN comes against the
            // read, a race of Tomcat's own (seen on Tomcat 11). Either way no short body passes as whole.
            post("body shorter than declared", "Content-Length: 10\r\n", "hello", true,
                    "200 CONTENT_LENGTH=10 input.read=5 input.error=HttpEofException",
                    "400|200 CONTENT_LENGTH=10 input.read=5 input.error=ClientAbortException"),
            post("body longer than declared", "Content-Length: 5\r\n", "helloEXTRA", true, BODY_OF_5, BODY_OF_5),
            // The same race on a malformed chunk (seen on Tomcat 10.1): Tomcat's own 400, or the
            // application's first read fails with Tomcat's BadRequestException; no byte passes either way.
            post("chunk size not hexadecimal", "Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n", false,
                    "200 CONTENT_LENGTH=(absent) input.read=0 input.error=HttpEofException",
                    "400|200 CONTENT_LENGTH=(absent) input.read=0 input.error=BadRequestException"),
            post("chunked body cut before its last chunk", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n", true,
                    "200 CONTENT_LENGTH=(absent) input.read=5 input.error=HttpEofException",
                    "400|200 CONTENT_LENGTH=(absent) input.read=5 input.error=ClientAbortException"),
            post("Expect: 100-continue, body sent at once", "Expect: 100-continue\r\nContent-Length: 5\r\n", "hello",
                    false, BODY_OF_5, BODY_OF_5),
            post("unknown expectation", "Expect: teapot\r\nContent-Length: 5\r\n", "hello", false, "417", "417"),
        };
    }

    private static Case get(String name, String target, List<String> shown, String jetty, String tomcat) {
        return request(name, "GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n", false, shown, jetty, tomcat);
    }

    private static Case headers(String name, String headerLines, List<String> shown, String jetty, String tomcat) {
        return request(name, "GET /echo HTTP/1.1\r\n" + HOST + headerLines + "\r\n", false, shown, jetty, tomcat);
    }

    private static Case post(String name, String headerLines, String body, boolean halfClose, String jetty,
            String tomcat) {
        String text = "POST /echo HTTP/1.1\r\n" + HOST + headerLines + "\r\n" + body;
        return request(name, text, halfClose, BODY, jetty, tomcat);
    }

    private static Case request(String name, String text, boolean halfClose, List<String> shown, String jetty,
            String tomcat) {
        return new Case(name, raw(text), halfClose, shown, jetty, tomcat);
    }
}
