package io.jwsgi.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * The exception the aborting ASYNC dispatch throws to make the container cut a committed
 * response: the container's own "client went away" exception where it has one, which it carries
 * out (the connection closed, the body not ended) without logging it, since the bridge has logged
 * the cause once already, with the request line. Elsewhere a {@link ServletException}, which the
 * container logs.
 */
final class QuietAbort {

    /**
     * Exceptions the containers treat as a client abort: they log them at debug level only.
     * Tomcat: StandardWrapperValve and StandardHostValve skip a ClientAbortException, and
     * ErrorReportValve closes a committed response in error at once (CLOSE_NOW).
     * Jetty: an EofException is a QuietException, logged at debug; a committed response is aborted.
     */
    private static final String[] CONTAINER_ABORTS = {
        "org.apache.catalina.connector.ClientAbortException",
        "org.eclipse.jetty.io.EofException",
    };

    private QuietAbort() {
    }

    /**
     * Throws the exception that cuts the response.
     *
     * @param request the request of the ASYNC dispatch (its class loader is the container's)
     * @param cause why the response is cut
     * @throws IOException the container's quiet abort
     * @throws ServletException where the container has none
     */
    static void raise(HttpServletRequest request, Throwable cause) throws IOException, ServletException {
        String message = "JWSGI response cut after its headers went out: " + describeQuietly(cause);
        ClassLoader loader = request.getClass().getClassLoader();
        for (String name : CONTAINER_ABORTS) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                if (IOException.class.isAssignableFrom(type)) {
                    throw (IOException) type.getConstructor(String.class).newInstance(message);
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // Not this container.
            }
        }
        throw new JwsgiServlet.AbortedResponse(cause);
    }

    private static String describeQuietly(Throwable cause) {
        try {
            return String.valueOf(cause);
        } catch (RuntimeException e) {
            return cause.getClass().getName();
        }
    }
}
