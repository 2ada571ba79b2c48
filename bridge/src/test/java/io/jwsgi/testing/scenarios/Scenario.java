package io.jwsgi.testing.scenarios;

import io.jwsgi.Header;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockRequest;
import java.util.List;

/**
 * One request to {@link Scenarios#router()}, and what any faithful server answers to it. The same
 * scenario is sent to the mock container and to the servlet bridge on a real container; both
 * must give the expected status and body, and the same headers the application set.
 *
 * <p>Comparing with a container: its reason phrase is its own (Servlet cannot send the
 * application's), it adds headers of its own ({@code Date}, framing), and it may reformat a
 * {@code Content-Type} (Tomcat drops the space before {@code charset} and may change its case):
 * compare the application's headers by name, and {@code Content-Type} ignoring case and spaces.
 *
 * @param name the scenario's name
 * @param method the request method
 * @param target the request path and query
 * @param requestHeaders headers to send
 * @param requestBody the body to send, or {@code null} for none
 * @param valid whether the application keeps every rule; when {@code false}, the mock must run
 *        {@link MockContainer#withoutValidator()} to see what a client would get
 * @param status the expected status code
 * @param headers headers the application sets, expected in the response
 * @param body the expected body, as UTF-8 text
 */
public record Scenario(String name, String method, String target, List<Header> requestHeaders, String requestBody,
        boolean valid, int status, List<Header> headers, String body) {

    /**
     * Prepares this scenario's request on a mock container serving {@link Scenarios#router()}.
     *
     * @param container the container; validated or not, as {@link #valid()} requires
     * @return the request, ready to send
     */
    public MockRequest request(MockContainer container) {
        MockRequest request = container.request(method, target);
        for (Header header : requestHeaders) {
            request.header(header.name(), header.value());
        }
        if (requestBody != null) {
            request.body(requestBody);
        }
        return request;
    }

    @Override
    public String toString() {
        return name + " (" + method + " " + target + ")";
    }
}
